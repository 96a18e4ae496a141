#pragma once

#include "data/DatasetPreview.h"
#include "spec/ExperimentSpec.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableView;

namespace trainlab {

class ClassHistogramPlot;
class TablePreviewModel;

/// Assembles a dataset: pick the source (Fashion-MNIST in one click, IDX files, a CSV / TSV
/// table, an image folder, CIFAR-10 batches, a synthetic set), then see the counts per split,
/// the class histogram, an image grid with augmentation on or off, or the table's first rows.
/// Loading runs on a worker thread; errors appear inline.
class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);

    /// The dataset part of a spec, as the form describes it.
    DatasetSpec datasetSpec() const;
    /// Fills the form from a spec's dataset; fields the form does not show (max samples, the
    /// cache, ...) are kept as they were and come back in datasetSpec().
    void setDatasetSpec(const DatasetSpec& spec);
    /// Loads and previews the current form (asynchronously).
    void load();
    /// Sets the form to Fashion-MNIST and loads it.
    void useFashionMnist();

    bool isLoading() const { return loading_; }
    QString errorText() const;
    QString summaryText() const;
    const DatasetPreview& preview() const { return preview_; }
    ClassHistogramPlot* histogram() const { return histogram_; }
    int shownImageCount() const;
    TablePreviewModel* tableModel() const { return tableModel_; }

    /// Form access for tests and for the experiment editor.
    QComboBox* sourceBox() const { return source_; }
    QLineEdit* pathEdit() const { return path_; }
    QCheckBox* showAugmentedBox() const { return showAugmented_; }

Q_SIGNALS:
    /// A person edited the form (not setDatasetSpec).
    void formChanged();
    void loaded();
    void failed(const QString& message);

private:
    QWidget* buildForm();
    QWidget* buildResults();
    void updateFormForSource();
    void browse();
    void showPreview(const DatasetPreview& preview);
    void showError(const QString& message);
    void showImages();
    /// Forgets the shown dataset (a failed load must not leave the previous one on screen).
    void clearPreview();

    QComboBox* source_ = nullptr;
    QLineEdit* path_ = nullptr;
    QPushButton* browseButton_ = nullptr;
    QLineEdit* trainImages_ = nullptr;
    QLineEdit* trainLabels_ = nullptr;
    QLineEdit* testImages_ = nullptr;
    QLineEdit* testLabels_ = nullptr;
    QWidget* idxFields_ = nullptr;
    QLineEdit* csvLabel_ = nullptr;
    QComboBox* syntheticKind_ = nullptr;
    QSpinBox* syntheticSamples_ = nullptr;
    QSpinBox* syntheticClasses_ = nullptr;
    QSpinBox* syntheticFeatures_ = nullptr;
    QDoubleSpinBox* syntheticNoise_ = nullptr;
    QSpinBox* imageSize_ = nullptr;
    QComboBox* imageChannels_ = nullptr;
    QDoubleSpinBox* validationSplit_ = nullptr;
    QCheckBox* normalize_ = nullptr;
    QSpinBox* cropPadding_ = nullptr;
    QCheckBox* hflip_ = nullptr;
    QDoubleSpinBox* rotation_ = nullptr;
    QDoubleSpinBox* noise_ = nullptr;
    QPushButton* loadButton_ = nullptr;
    QLabel* error_ = nullptr;
    QLabel* summary_ = nullptr;
    ClassHistogramPlot* histogram_ = nullptr;
    QStackedWidget* samples_ = nullptr;
    QWidget* imageGrid_ = nullptr;
    QGridLayout* imageLayout_ = nullptr;
    QCheckBox* showAugmented_ = nullptr;
    QTableView* tableView_ = nullptr;
    TablePreviewModel* tableModel_ = nullptr;
    DatasetPreview preview_;
    DatasetSpec base_;
    bool filling_ = false;
    bool loading_ = false;
    int generation_ = 0;
};

} // namespace trainlab
