#pragma once

#include "parallel/Devices.h"
#include "spec/ExperimentSpec.h"

#include <QHash>
#include <QJsonValue>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace trainlab {

class DevicesBox;
class LrSchedulePlot;
class SpecDocument;
struct TrainingField;

/// How a run trains, edited on the shared SpecDocument: optimizer, schedule (with the learning
/// rate plotted over the planned steps by core's own schedule function), loss, precision,
/// batches, stopping, checkpoints, budget and devices. Only the fields that apply to the chosen
/// optimizer and schedule are shown; core's problems with these fields are listed on the page.
class TrainingPage : public QWidget {
    Q_OBJECT
public:
    /// `devices`: what device discovery found (availableDevices()); `cudaAvailable` decides
    /// whether fp16 may be chosen (core refuses fp16 without a CUDA device).
    TrainingPage(SpecDocument* document, const QList<DeviceInfo>& devices, bool cudaAvailable,
                 QWidget* parent = nullptr);
    /// The same, with this machine's devices.
    explicit TrainingPage(SpecDocument* document, QWidget* parent = nullptr);
    ~TrainingPage() override;

    /// The editor of a training field (`training.optimizer.lr`): a spin box, combo box, check
    /// box or line edit; nullptr for an unknown path.
    QWidget* editor(const QString& path) const { return editors_.value(path); }
    /// Whether a field's row is shown (it applies to the chosen optimizer / schedule / loss).
    bool isFieldShown(const QString& path) const;
    DevicesBox* devicesBox() const { return devices_; }
    LrSchedulePlot* lrPlot() const { return plot_; }
    QSpinBox* trainSamplesBox() const { return samples_; }
    QPushButton* countButton() const { return countButton_; }
    QLabel* planLabel() const { return plan_; }
    QLabel* problemsLabel() const { return problems_; }

    /// Planned optimizer steps for the current form and sample count; 0 while it is unknown.
    qint64 plannedSteps() const;
    qint64 stepsPerEpoch() const;

public Q_SLOTS:
    /// The number of training samples, from a dataset that was loaded (the Dataset page's
    /// counts, or the Count button); `origin` says where it came from.
    void setTrainSampleCount(qint64 samples, const QString& origin);
    /// Counts the training split by loading the dataset on a worker thread.
    void countTrainSamples();

private:
    QWidget* buildForm();
    QWidget* buildEditor(const TrainingField& field);
    QWidget* buildSide();
    QJsonValue editorValue(const TrainingField& field) const;
    void showValue(const TrainingField& field, const QJsonValue& value);
    void fieldEdited(const TrainingField& field);
    /// A controlling choice changed: fields that no longer apply leave the spec with it.
    void controllerEdited(const TrainingField& field, const QJsonValue& value);
    void showDocument();
    void updateRows();
    void updatePlan();
    void updateSampleEstimate();
    void showProblems();
    QString fieldText(const QString& path) const;
    /// The training block as the form shows it (core's defaults where the document has none).
    TrainingSpec trainingFromDocument() const;
    qint64 batchesPerEpoch() const;

    SpecDocument* document_;
    bool cudaAvailable_;
    QHash<QString, QWidget*> editors_;
    /// Set while the page is destroyed: an editor losing focus as its window goes away must
    /// not read editors (an editable combo box) already half torn down.
    bool destroying_ = false;
    QHash<QString, QFormLayout*> formOf_;
    DevicesBox* devices_ = nullptr;
    LrSchedulePlot* plot_ = nullptr;
    QSpinBox* samples_ = nullptr;
    QLabel* samplesNote_ = nullptr;
    QPushButton* countButton_ = nullptr;
    QLabel* plan_ = nullptr;
    QLabel* problems_ = nullptr;
    QLabel* precisionNote_ = nullptr;
    QJsonValue countedDataset_; ///< the dataset block the sample count belongs to
    bool samplesCounted_ = false;
    int countGeneration_ = 0;
};

} // namespace trainlab
