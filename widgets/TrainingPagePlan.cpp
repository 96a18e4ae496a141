// The Training page's plan: how many samples and steps the run will take, counted or estimated,
// and the learning rate over those steps.
#include "TrainingPage.h"

#include "DevicesBox.h"
#include "LrSchedulePlot.h"
#include "SpecDocument.h"
#include "TrainingFields.h"

#include "base/Errors.h"
#include "data/DatasetInspection.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "train/LrSchedule.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <algorithm>
#include <climits>
#include <cmath>

namespace trainlab {

namespace {

const QString kDataset = QStringLiteral("dataset");

} // namespace

void TrainingPage::updateSampleEstimate() {
    const QJsonValue dataset = document_->value(kDataset);
    countedDataset_ = dataset;
    samplesCounted_ = false;
    const QSignalBlocker blocker(samples_);
    const DatasetSpec defaults;
    const QJsonObject d = dataset.toObject();
    if (d.value(QStringLiteral("source")).toString() != QLatin1String("synthetic")) {
        samples_->setValue(0);
        samplesNote_->setText(tr("Press Count (it loads the dataset) or type an estimate to "
                                 "see the planned steps."));
        return;
    }
    // A synthetic set says its size; the stratified split rounds per class, hence "about".
    const QJsonObject syn = d.value(QStringLiteral("synthetic")).toObject();
    double n = syn.value(QStringLiteral("samples")).toDouble(defaults.synthetic.samples);
    const double cap = d.value(QStringLiteral("max_train_samples")).toDouble(0);
    if (cap > 0)
        n = std::min(n, cap);
    const double val =
        d.value(QStringLiteral("validation_split")).toDouble(defaults.validationSplit);
    const double test = d.value(QStringLiteral("test_split")).toDouble(defaults.testSplit);
    samples_->setValue(int(std::max(0.0, n - std::round(n * val) - std::round(n * test))));
    samplesNote_->setText(tr("About this many, estimated from dataset.synthetic.samples and the "
                             "splits; Count gives the exact number."));
}

void TrainingPage::setTrainSampleCount(qint64 samples, const QString& origin) {
    {
        const QSignalBlocker blocker(samples_);
        samples_->setValue(int(std::min<qint64>(samples, INT_MAX)));
    }
    samplesCounted_ = true;
    countedDataset_ = document_->value(kDataset);
    samplesNote_->setText(origin);
    updatePlan();
}

void TrainingPage::countTrainSamples() {
    QJsonObject json = document_->json();
    json.remove(QStringLiteral("sweep"));
    ExperimentSpec spec;
    try {
        spec = specFromJson(json, tr("spec"));
    } catch (const SpecError& e) {
        samplesNote_->setText(tr("Cannot count until core accepts the spec: %1")
                                  .arg(e.problems().value(0, e.message())));
        return;
    }
    const int generation = ++countGeneration_;
    const QJsonValue dataset = document_->value(kDataset);
    countButton_->setEnabled(false);
    samplesNote_->setText(tr("Counting (loading the dataset)…"));
    QPointer<TrainingPage> self(this);
    QThreadPool::globalInstance()->start([self, spec, generation, dataset] {
        qint64 count = -1;
        QString message;
        try {
            const QJsonObject info = inspectDataset(spec.dataset, spec.training.seed);
            count = info.value(QStringLiteral("counts"))
                        .toObject()
                        .value(QStringLiteral("train"))
                        .toInteger();
        } catch (const std::exception& e) {
            message = firstLineOf(e);
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, count, message, generation, dataset] {
                if (!self || generation != self->countGeneration_)
                    return;
                self->countButton_->setEnabled(true);
                if (self->document_->value(kDataset) != dataset)
                    self->samplesNote_->setText(
                        tr("The dataset changed while counting; count again."));
                else if (count >= 0)
                    self->setTrainSampleCount(count, tr("Counted from the dataset."));
                else
                    self->samplesNote_->setText(tr("Cannot count: %1").arg(message));
            },
            Qt::QueuedConnection);
    });
}

TrainingSpec TrainingPage::trainingFromDocument() const {
    // What the form shows: the document's values, core's defaults where it has none.
    auto number = [this](const char* path, double fallback) {
        return document_->value(QLatin1String(path)).toDouble(fallback);
    };
    TrainingSpec t;
    t.epochs = int(number("training.epochs", t.epochs));
    t.batchSize = std::max(1, int(number("training.batch_size", t.batchSize)));
    t.gradAccumulation = std::max(1, int(number("training.grad_accumulation", t.gradAccumulation)));
    t.maxSteps = qint64(number("training.max_steps", double(t.maxSteps)));
    t.optimizer.lr = number("training.optimizer.lr", t.optimizer.lr);
    ScheduleSpec& s = t.schedule;
    s.type = fieldText(QStringLiteral("training.schedule.type"));
    s.warmupSteps = int(number("training.schedule.warmup_steps", s.warmupSteps));
    s.minLr = number("training.schedule.min_lr", s.minLr);
    s.stepEpochs = int(number("training.schedule.step_epochs", s.stepEpochs));
    for (const QJsonValue& m :
         document_->value(QStringLiteral("training.schedule.milestones")).toArray())
        s.milestones.append(m.toInt());
    s.gamma = number("training.schedule.gamma", s.gamma);
    s.pctStart = number("training.schedule.pct_start", s.pctStart);
    s.divFactor = number("training.schedule.div_factor", s.divFactor);
    s.finalDivFactor = number("training.schedule.final_div_factor", s.finalDivFactor);
    return t;
}

qint64 TrainingPage::batchesPerEpoch() const {
    // As core's DataLoader counts them on one device.
    const qint64 samples = samples_->value();
    const qint64 batch = trainingFromDocument().batchSize;
    const bool dropLast =
        document_->value(QStringLiteral("dataset.loader.drop_last")).toBool(false);
    return dropLast ? samples / batch : (samples + batch - 1) / batch;
}

qint64 TrainingPage::stepsPerEpoch() const {
    return trainlab::stepsPerEpoch(batchesPerEpoch(), trainingFromDocument().gradAccumulation);
}

qint64 TrainingPage::plannedSteps() const {
    return trainlab::plannedSteps(trainingFromDocument(), batchesPerEpoch());
}

void TrainingPage::updatePlan() {
    const TrainingSpec t = trainingFromDocument();
    const qint64 samples = samples_->value();
    if (samples <= 0) {
        plot_->showEmpty(tr("Count the training samples, or type an estimate,\nto see the "
                            "schedule over the run"));
        plan_->setText(tr("Planned steps: unknown until the number of training samples is."));
        return;
    }
    const qint64 batches = batchesPerEpoch();
    if (batches == 0) {
        plot_->showEmpty(tr("No full batch: drop_last is on"));
        plan_->setText(tr("The batch size (%1) is larger than the %2 training samples and "
                          "dataset.loader.drop_last is on: no step would run.")
                           .arg(t.batchSize)
                           .arg(samples));
        return;
    }
    const qint64 perEpoch = stepsPerEpoch();
    const qint64 total = plannedSteps();
    const QStringList problems = document_->problems();
    const bool refused = std::any_of(problems.begin(), problems.end(), [](const QString& p) {
        return p.startsWith(QLatin1String("training.optimizer.lr")) ||
               p.startsWith(QLatin1String("training.schedule"));
    });
    if (refused)
        plot_->showEmpty(tr("Core refuses the rate or schedule: see below"));
    else
        plot_->setSchedule(t.schedule, t.optimizer.lr, total, perEpoch);
    QString text = tr("%1 samples in batches of %2: %3 batches an epoch")
                       .arg(samples)
                       .arg(t.batchSize)
                       .arg(batches);
    if (t.gradAccumulation > 1)
        text += tr(", %1 optimizer steps accumulating %2 batches each")
                    .arg(perEpoch)
                    .arg(t.gradAccumulation);
    text += tr(", × %1 epochs = <b>%2 planned steps</b>").arg(t.epochs).arg(perEpoch * t.epochs);
    if (total < perEpoch * t.epochs)
        text += tr(", stopped at %1 by the step limit").arg(total);
    text += QLatin1Char('.');
    if (t.schedule.type == QLatin1String("reduce_on_plateau"))
        text += tr(" The plateau schedule lowers the rate when its metric stalls, which the "
                   "curve cannot know in advance: it is drawn without reductions.");
    if (devices_->devicesJson().toArray().size() > 1)
        text += tr(" On several devices each one takes its share of every epoch, with fewer "
                   "steps.");
    plan_->setText(text);
}

} // namespace trainlab
