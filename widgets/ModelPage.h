#pragma once

#include "data/DatasetShape.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTreeWidget;

namespace trainlab {

class LayerFieldForm;
class LayerListModel;
class ModelSummaryModel;
class SpecDocument;

/// The model designer: the `model` block of the spec as an editable list of layers (added from
/// a palette of the layer registry's types grouped by family, removed, duplicated, reordered by
/// drag and drop or buttons, or started from a preset), the selected layer's fields as a form,
/// and beside them a live summary of what core's model analysis makes of the model on the
/// spec's dataset: per layer output shape, parameters, FLOPs and activation memory, and the
/// layer that does not fit marked with core's reason.
class ModelPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelPage(SpecDocument* spec, QWidget* parent = nullptr);

    /// The dataset's shape is still being read (sources whose shape lives in their files).
    bool isReadingDataset() const { return readingDataset_; }

    // The parts a person uses, for tests.
    QTreeWidget* palette() const { return palette_; }
    QPushButton* addButton() const { return addButton_; }
    QListView* layerView() const { return layerView_; }
    LayerListModel* layerModel() const { return layerModel_; }
    LayerFieldForm* fieldForm() const { return fieldForm_; }
    QPushButton* removeButton() const { return removeButton_; }
    QPushButton* duplicateButton() const { return duplicateButton_; }
    QPushButton* upButton() const { return upButton_; }
    QPushButton* downButton() const { return downButton_; }
    QComboBox* presetBox() const { return presetBox_; }
    QPushButton* startFromPresetButton() const { return startFromPreset_; }
    QComboBox* initBox() const { return initBox_; }
    QLabel* emptyHint() const { return emptyHint_; }
    QLabel* presetBanner() const { return presetBanner_; }
    QTableView* summaryView() const { return summaryView_; }
    ModelSummaryModel* summaryModel() const { return summaryModel_; }
    QLabel* inputLabel() const { return inputLabel_; }
    QLabel* totalsLabel() const { return totalsLabel_; }

Q_SIGNALS:
    /// The summary was worked out again (after an edit, or when the dataset's shape arrived).
    void summaryUpdated();

private:
    QWidget* buildPalette();
    QWidget* buildLayerList();
    QWidget* buildSummary();
    void fillPalette();

    /// Reads the model block into the list (the spec changed elsewhere, or on start).
    void loadFromDocument();
    /// Writes the whole layer list (and drops a preset: the list replaces it).
    void writeLayers();
    void addPaletteType();
    void removeLayer();
    void duplicateLayer();
    void moveLayer(int delta);
    void startFromPreset();
    void editField(const QString& fieldName, const QJsonValue& value);
    int currentRow() const;
    void selectRow(int row);
    void showCurrentLayer();
    void updateButtons();

    /// Works the dataset's shape out again when the dataset block changed (reading the files
    /// on a worker thread when the block alone does not say).
    void updateDatasetShape();
    void updateSummary();

    SpecDocument* spec_;
    QTreeWidget* palette_ = nullptr;
    QPushButton* addButton_ = nullptr;
    QStackedWidget* listStack_ = nullptr;
    QListView* layerView_ = nullptr;
    LayerListModel* layerModel_ = nullptr;
    QLabel* emptyHint_ = nullptr;
    QLabel* presetBanner_ = nullptr;
    QPushButton* removeButton_ = nullptr;
    QPushButton* duplicateButton_ = nullptr;
    QPushButton* upButton_ = nullptr;
    QPushButton* downButton_ = nullptr;
    QComboBox* presetBox_ = nullptr;
    QPushButton* startFromPreset_ = nullptr;
    QComboBox* initBox_ = nullptr;
    LayerFieldForm* fieldForm_ = nullptr;
    QTableView* summaryView_ = nullptr;
    ModelSummaryModel* summaryModel_ = nullptr;
    QLabel* inputLabel_ = nullptr;
    QLabel* totalsLabel_ = nullptr;

    bool presetMode_ = false; ///< the list shows `model.preset` expanded; editing replaces it
    int shownRow_ = -1;       ///< the layer whose fields the form shows

    // The dataset's shape, for the dataset block (and seed) in `datasetKey_`.
    QByteArray datasetKey_;
    std::optional<DatasetShape> datasetShape_;
    QString datasetProblem_;
    bool readingDataset_ = false;
    int datasetGeneration_ = 0;
};

} // namespace trainlab
