#include "train/TrainingRun.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "train/AutocastScope.h"
#include "train/EvaluationMetrics.h"
#include "train/GradientSync.h"
#include "train/LrSchedule.h"
#include "train/Misclassified.h"
#include "train/OptimizerFactory.h"
#include "train/PreparedTraining.h"
#include "train/ThreadBudget.h"
#include "train/Transfer.h"

#include <QDir>
#include <QFile>
#include <QThread>
#include <cmath>
#include <thread>
#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>
#include <unistd.h>

namespace trainlab {

namespace {

// The float copy of a training split is kept when it takes at most 1 GiB and an eighth of the
// machine's memory: Fashion-MNIST's 58,800 images take 184 MB, CIFAR-10's 50,000 take 614 MB.
double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void checkSupported(const ExperimentSpec& spec, const DatasetSplits& data,
                    const torch::Device& device) {
    QStringList perEpoch;
    for (const QString& name : Trainer::metricNames(data.task, data.numClasses))
        perEpoch << QStringLiteral("val_") + name;
    auto checkMetric = [&](const QString& metric, const QString& field) {
        if (metric.isEmpty())
            return;
        if (!perEpoch.contains(metric))
            throw InputError(QStringLiteral("%1: '%2' is not evaluated per epoch (use one of %3)")
                                 .arg(field, metric, perEpoch.join(QStringLiteral(", "))));
        if (data.validation.size() == 0)
            throw InputError(
                QStringLiteral("%1: needs a validation split (dataset.validation_split is 0)")
                    .arg(field));
    };
    checkMetric(spec.training.earlyStopping.metric,
                QStringLiteral("training.early_stopping.metric"));
    if (spec.training.schedule.type == QLatin1String("reduce_on_plateau"))
        checkMetric(spec.training.schedule.metric, QStringLiteral("training.schedule.metric"));
    if (spec.training.precision == QLatin1String("fp16") && !device.is_cuda())
        throw InputError(QStringLiteral("training.precision: fp16 needs a CUDA device (its kernels "
                                        "and loss scaling run on GPUs); on the CPU use bf16"));
    if (spec.dataset.imbalance.sampling == QLatin1String("balanced") &&
        data.task != TaskKind::Classification)
        throw InputError(QStringLiteral("dataset.imbalance.sampling: balanced sampling needs "
                                        "classes; the dataset is a regression task"));
}

EarlyStoppingSpec trackerSpec(const QString& metric, int patience) {
    EarlyStoppingSpec spec;
    spec.metric = metric;
    spec.patience = patience;
    return spec;
}

} // namespace

TrainingRun::TrainingRun(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                         const TrainerCallbacks& callbacks, const TrainerOptions& options)
    : spec_(spec)
    , t_(spec.training)
    , data_(data)
    , control_(control)
    , callbacks_(callbacks)
    , options_(options)
    , device_(options.device.toStdString())
    , classification_(data.task == TaskKind::Classification)
    , earlyStopping_(spec.training.earlyStopping)
    , plateau_(trackerSpec(spec.training.schedule.type == QLatin1String("reduce_on_plateau")
                               ? spec.training.schedule.metric
                               : QString(),
                           spec.training.schedule.patience))
    , bestTracker_(trackerSpec(spec.training.earlyStopping.metric.isEmpty()
                                   ? QStringLiteral("val_loss")
                                   : spec.training.earlyStopping.metric,
                               1 << 30))
    , windowStats_(!device_.is_cpu()) {}

bool TrainingRun::waitWhilePaused(int epoch, int64_t batchInEpoch, int64_t accumulated) {
    if (!control_.pause.load() || control_.cancel.load())
        return !control_.cancel.load();
    // Hold still at a checkpoint of where the run stands, so a paused run survives the process
    // and can be resumed from this very step later.
    saveLast(epoch, batchInEpoch - accumulated, 0);
    if (callbacks_.pauseChanged)
        callbacks_.pauseChanged(true);
    while (control_.pause.load() && !control_.cancel.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (control_.cancel.load())
        return false;
    if (callbacks_.pauseChanged)
        callbacks_.pauseChanged(false);
    return true;
}

void TrainingRun::startFromOtherWeights() {
    TransferReport report;
    // A resumed run's own checkpoint holds its weights; the frozen layers stay frozen. Ranks
    // after the first get rank 0's weights when training starts, as in any data-parallel run.
    const bool fresh = options_.resumeFrom.isEmpty() && options_.rank == 0;
    if (fresh) {
        const QString path =
            options_.initFromPath.isEmpty() ? t_.initFrom.path : options_.initFromPath;
        report = loadMatchingWeights(path, model_);
        if (!options_.initFromSource.isEmpty())
            report.source = options_.initFromSource;
    }
    freezeLayers(model_, t_.initFrom, report);
    if (fresh && callbacks_.artifact)
        callbacks_.artifact(QStringLiteral("transfer"), report.toJson());
    if (fresh && callbacks_.message)
        callbacks_.message(report.summary());
}

void TrainingRun::startDistillation() {
    if (!options_.teacher)
        throw InputError(QStringLiteral("training.distill.teacher: run %1 is read from the "
                                        "workspace; start this spec with trainlab-cli run or "
                                        "the window")
                             .arg(t_.distill.teacher));
    distill_ = std::make_unique<Distillation>(*options_.teacher, t_.distill, data_, device_);
    // Said once per run, not again on resume or by every rank.
    if (options_.resumeFrom.isEmpty() && options_.rank == 0) {
        if (callbacks_.artifact)
            callbacks_.artifact(QStringLiteral("distillation"), distill_->report());
        if (callbacks_.message)
            callbacks_.message(distill_->summary());
    }
}

double TrainingRun::currentLr(int epoch) const {
    return scheduledLr(t_.schedule, t_.optimizer.lr, step_, totalSteps_, epoch, plateauScale_);
}

TrainOutcome TrainingRun::execute() {
    checkSupported(spec_, data_, device_);
    const DatasetSpec& d = spec_.dataset;
    // LibTorch's OpenMP pool size is per calling thread, and a fresh thread (like a job's)
    // starts with one: set it every run, within the threads the run was given.
    const ThreadBudget threads =
        threadBudget(options_.cpuThreads, d.loader.workers, d.augment.enabled());
    torch::set_num_threads(threads.intraOpThreads);
    BuiltModel built = buildSeededModel(spec_.model, data_.sampleShape,
                                        classification_ ? data_.numClasses : 1, uint64_t(t_.seed));
    model_ = built.net;
    model_->to(device_);
    model_->train();
    if (t_.precision == QLatin1String("fp16"))
        scaler_ = std::make_unique<GradScaler>(device_);
    if (t_.initFrom.enabled())
        startFromOtherWeights();
    optimizer_ = makeOptimizer(t_.optimizer, trainableParameters(model_));
    loss_ =
        std::make_unique<LossFunction>(resolvedLoss(t_.loss, data_.task), data_.task,
                                       d.imbalance.classWeights && classification_
                                           ? inverseFrequencyWeights(data_.train, data_.numClasses)
                                           : torch::Tensor());
    if (t_.distill.enabled())
        startDistillation();
    LoaderOptions options;
    options.batchSize = t_.batchSize;
    options.dropLast = d.loader.dropLast;
    options.balanced = d.imbalance.sampling == QLatin1String("balanced");
    options.workers = threads.loaderWorkers;
    options.prefetch = d.loader.prefetch;
    options.seed = uint64_t(t_.seed) + 1;
    options.rank = options_.rank;
    options.worldSize = options_.worldSize;
    options.augment = d.augment;
    options.pinMemory = device_.is_cuda();
    // Small image sets are converted to model inputs once (a bare loop's habit): each batch is
    // then a row copy. Larger ones convert a batch at a time. Same values either way.
    preparedTrain_ = preparedTrainingSplit(data_);
    loader_ = std::make_unique<DataLoader>(
        preparedTrain_ ? *preparedTrain_ : data_.train, data_.numClasses,
        batchPreparation(data_, preparedTrain_.has_value()), options);
    batchesPerEpoch_ = loader_->batchesPerEpoch();
    if (batchesPerEpoch_ == 0)
        throw InputError(QStringLiteral("training.batch_size: %1 is larger than the %2 training "
                                        "samples and dataset.loader.drop_last is on")
                             .arg(t_.batchSize)
                             .arg(data_.train.size()));
    totalSteps_ = plannedSteps(t_, batchesPerEpoch_); // the Training page plots the same

    TrainerState resume;
    if (!options_.resumeFrom.isEmpty()) {
        resume = loadCheckpoint(options_.resumeFrom, model_, *optimizer_, options_.owner);
        step_ = resume.step;
        plateauScale_ = resume.plateauScale;
        earlyStopping_.restore(resume.stopBest, resume.stopHasBest, resume.stopBad);
        plateau_.restore(resume.plateauBest, resume.plateauHasBest, resume.plateauBad);
        outcome_.epochsDone = resume.epoch;
        callbacks_.message(QStringLiteral("resumed at step %1 (epoch %2, batch %3)")
                               .arg(step_)
                               .arg(resume.epoch + 1)
                               .arg(resume.batchInEpoch));
    }
    if (options_.gradientSync) {
        std::vector<torch::Tensor> state = model_->parameters();
        for (const auto& buffer : model_->buffers())
            state.push_back(buffer);
        options_.gradientSync->synchronizeModel(state);
    }
    if (t_.pruning.enabled()) {
        pruning_ = std::make_unique<MagnitudePruning>(model_, t_.pruning);
        if (scheduledSparsity(t_.pruning, resume.epoch, t_.epochs) > 0)
            pruning_->masksFromWeights();
    }
    callbacks_.message(QStringLiteral("model: %1 parameters; %2 training samples, %3 steps")
                           .arg(built.parameters)
                           .arg(data_.train.size())
                           .arg(totalSteps_));
    if (callbacks_.planned)
        callbacks_.planned(totalSteps_);

    optimizer_->zero_grad();
    bool running = true;
    for (int epoch = resume.epoch; epoch < t_.epochs && running; ++epoch) {
        const bool first = epoch == resume.epoch;
        running =
            trainEpoch(epoch, first ? resume.batchInEpoch : 0, first ? resume.accumulated : 0);
        if (outcome_.status == RunStatus::Cancelled)
            break;
        outcome_.epochsDone = epoch + 1;
        if (!endEpoch(epoch))
            running = false;
        const int every = t_.checkpointEveryEpochs;
        if (every > 0 && (epoch + 1) % every == 0)
            saveLast(epoch + 1, 0, 0);
    }
    outcome_.steps = step_;
    if (outcome_.status != RunStatus::Cancelled) {
        if (pruning_ && callbacks_.artifact)
            callbacks_.artifact(QStringLiteral("pruning"), pruning_->report());
        if (lastSavedStep_ != step_) // the last epoch's checkpoint may already hold this step
            saveLast(outcome_.epochsDone, 0, 0);
        if (data_.test.size() > 0)
            reportTest();
        outcome_.status = RunStatus::Completed;
    }
    outcome_.seconds = secondsSince(started_);
    return outcome_;
}

bool TrainingRun::trainEpoch(int epoch, int64_t firstBatch, int64_t accumulatedAtStart) {
    loader_->startEpoch(epoch, firstBatch);
    int64_t accumulated = accumulatedAtStart;
    for (int64_t b = firstBatch; b < batchesPerEpoch_; ++b) {
        if (!waitWhilePaused(epoch, b, accumulated)) {
            outcome_.status = RunStatus::Cancelled;
            // Resume repeats the unfinished accumulation window: its gradients are not saved.
            saveLast(epoch, b - accumulated, 0);
            return false;
        }
        const auto waitStart = Clock::now();
        std::optional<Batch> batch = loader_->next();
        const double waited = secondsSince(waitStart);
        window_.waitSeconds += waited;
        outcome_.dataWaitSeconds += waited;
        if (!batch)
            break;
        if (accumulated == 0)
            optimizer_->zero_grad();
        // The window of micro-batches one step averages: shorter at the epoch's end.
        const int64_t windowStart = b - accumulated;
        const int64_t windowSize =
            std::min<int64_t>(t_.gradAccumulation, batchesPerEpoch_ - windowStart);
        forwardBackward(*batch, epoch, windowSize);
        if (++accumulated < t_.gradAccumulation && b + 1 < batchesPerEpoch_)
            continue;
        accumulated = 0;
        if (!optimizerStep(epoch, b))
            return false;
    }
    return true;
}

void TrainingRun::forwardBackward(const Batch& batch, int epoch, int64_t windowSize) {
    const auto inputs = batch.inputs.to(device_, /*non_blocking=*/true);
    const auto targets = batch.targets.to(device_, /*non_blocking=*/true);
    torch::Tensor outputs;
    torch::Tensor lossTensor;
    {
        AutocastScope autocast(device_, t_.precision);
        outputs = model_->forward(inputs);
        lossTensor = (*loss_)(outputs, targets);
        if (distill_)
            lossTensor = distill_->loss(lossTensor, inputs, outputs);
    }
    const std::optional<double> lossValue =
        windowStats_.add(lossTensor, outputs, targets, classification_);
    if (lossValue && !std::isfinite(*lossValue))
        throw divergedError(*lossValue, QStringLiteral("at step %1").arg(step_), epoch);
    // Each micro-batch weighs 1/n of its window, so a step follows the mean gradient as one
    // large batch would.
    const auto weighted = windowSize > 1 ? lossTensor / double(windowSize) : lossTensor;
    (scaler_ ? scaler_->scale(weighted) : weighted).backward();
}

RunError TrainingRun::divergedError(double loss, const QString& when, int epoch) const {
    return RunError(QStringLiteral("training diverged: the loss is %1 %2 (epoch %3). Try a "
                                   "lower learning rate (training.optimizer.lr = %4) or gradient "
                                   "clipping (training.grad_clip_norm).")
                        .arg(loss)
                        .arg(when)
                        .arg(epoch + 1)
                        .arg(t_.optimizer.lr));
}

std::vector<torch::Tensor> TrainingRun::gradients() const {
    std::vector<torch::Tensor> grads;
    for (const auto& p : model_->parameters())
        if (p.grad().defined())
            grads.push_back(p.grad());
    return grads;
}

bool TrainingRun::optimizerStep(int epoch, int64_t batch) {
    if (options_.gradientSync)
        options_.gradientSync->averageGradients(gradients());
    setLearningRate(*optimizer_, currentLr(epoch));
    const double fractionalEpoch = double(epoch) + double(batch + 1) / double(batchesPerEpoch_);
    bool finite = true;
    if (scaler_) {
        std::vector<torch::Tensor> grads = gradients();
        finite = scaler_->unscale(grads);
    }
    if (finite && t_.gradClipNorm > 0) {
        const double norm =
            torch::nn::utils::clip_grad_norm_(model_->parameters(), t_.gradClipNorm);
        callbacks_.metric(step_ + 1, fractionalEpoch, QStringLiteral("grad_norm"), norm);
    }
    if (finite) {
        optimizer_->step(); // a step with inf/NaN gradients is skipped, as GradScaler does
        if (pruning_)
            pruning_->applyMasks();
    }
    if (scaler_)
        scaler_->update();
    ++step_;
    ++window_.steps;
    if (step_ % t_.logEverySteps == 0 || batch + 1 == batchesPerEpoch_)
        logWindow(epoch, fractionalEpoch);
    const bool outOfTime = options_.gradientSync
                               ? options_.gradientSync->budgetReached()
                               : t_.maxWallTimeS > 0 && secondsSince(started_) >= t_.maxWallTimeS;
    if ((t_.maxSteps > 0 && step_ >= t_.maxSteps) || outOfTime) {
        callbacks_.message(QStringLiteral("budget reached at step %1").arg(step_));
        return false;
    }
    return true;
}

void TrainingRun::logWindow(int epoch, double fractionalEpoch) {
    const WindowStats::Totals totals = windowStats_.take();
    if (!std::isfinite(totals.lossSum))
        throw divergedError(totals.lossSum, QStringLiteral("in the steps up to %1").arg(step_),
                            epoch);
    const double seconds = secondsSince(window_.start);
    auto log = [&](const char* name, double value) {
        callbacks_.metric(step_, fractionalEpoch, QString::fromLatin1(name), value);
    };
    if (totals.samples > 0) {
        log("train_loss", totals.lossSum / double(totals.samples));
        if (classification_)
            log("train_accuracy", double(totals.correct) / double(totals.samples));
    }
    log("lr", optimizer_->param_groups().front().options().get_lr());
    if (scaler_) {
        log("loss_scale", scaler_->currentScale());
        log("skipped_steps", double(scaler_->skippedSteps()));
    }
    if (seconds > 0 && window_.steps > 0) {
        log("samples_per_s", double(totals.samples) / seconds);
        log("step_time_ms", 1000.0 * seconds / double(window_.steps));
        log("data_wait_fraction", window_.waitSeconds / seconds);
    }
    window_ = Window();
    if (callbacks_.windowLogged)
        callbacks_.windowLogged(step_, fractionalEpoch);
}

bool TrainingRun::endEpoch(int epoch) {
    QString line = QStringLiteral("epoch %1/%2  step %3").arg(epoch + 1).arg(t_.epochs).arg(step_);
    if (pruning_) { // before validation, so it measures the pruned model
        pruneAfterEpoch(epoch);
        line += QStringLiteral("  sparsity %1").arg(pruning_->sparsity(), 0, 'f', 3);
    }
    bool keepGoing = true;
    if (data_.validation.size() > 0) {
        const auto metrics = Trainer::scalarMetrics(
            Trainer::evaluate(model_, *loss_, data_, data_.validation, device_), data_,
            QStringLiteral("val_"));
        for (auto it = metrics.begin(); it != metrics.end(); ++it)
            callbacks_.metric(step_, epoch + 1, it.key(), it.value());
        const QString headline =
            classification_ ? QStringLiteral("val_accuracy") : QStringLiteral("val_mae");
        line += QStringLiteral("  val_loss %1  %2 %3")
                    .arg(metrics.value(QStringLiteral("val_loss")), 0, 'f', 4)
                    .arg(headline)
                    .arg(metrics.value(headline), 0, 'f', 4);
        if (earlyStopping_.enabled() &&
            earlyStopping_.update(metrics.value(earlyStopping_.metric()))) {
            line += QStringLiteral("  (early stop: no improvement in %1 epochs)")
                        .arg(t_.earlyStopping.patience);
            keepGoing = false;
        }
        if (plateau_.enabled() && plateau_.update(metrics.value(plateau_.metric()))) {
            plateauScale_ *= t_.schedule.gamma;
            plateau_.restore(plateau_.best(), true, 0);
            line += QStringLiteral("  (lr reduced to %1)").arg(t_.optimizer.lr * plateauScale_);
        }
        const double tracked = metrics.value(bestTracker_.metric());
        const bool improvedBefore = bestTracker_.hasBest();
        const double previousBest = bestTracker_.best();
        bestTracker_.update(tracked);
        const bool improved = !improvedBefore || bestTracker_.best() != previousBest;
        if (improved && !options_.checkpointDirectory.isEmpty()) {
            const QString path =
                QDir(options_.checkpointDirectory).filePath(QStringLiteral("best.pt"));
            saveWeights(path, model_);
            if (callbacks_.checkpoint)
                callbacks_.checkpoint(step_, epoch + 1, path, true, bestTracker_.metric(), tracked);
        }
    }
    callbacks_.message(line);
    return keepGoing;
}

void TrainingRun::pruneAfterEpoch(int epoch) {
    const double target = scheduledSparsity(t_.pruning, epoch + 1, t_.epochs);
    if (target > scheduledSparsity(t_.pruning, epoch, t_.epochs))
        pruning_->pruneTo(target);
    callbacks_.metric(step_, epoch + 1, QStringLiteral("sparsity"), pruning_->sparsity());
}

void TrainingRun::reportTest() {
    const Evaluation test = Trainer::evaluate(model_, *loss_, data_, data_.test, device_);
    const auto metrics = Trainer::scalarMetrics(test, data_, QStringLiteral("test_"));
    QString line;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        callbacks_.metric(step_, outcome_.epochsDone, it.key(), it.value());
        line += QStringLiteral("%1 %2  ").arg(it.key()).arg(it.value(), 0, 'f', 4);
    }
    callbacks_.message(line.trimmed());
    if (!classification_ || !callbacks_.artifact)
        return;
    const ClassificationReport report =
        classificationReport(test.outputs, test.targets, data_.numClasses, 5, test.activation);
    callbacks_.artifact(QStringLiteral("confusion_matrix"),
                        confusionMatrixJson(report, data_.classNames));
    callbacks_.artifact(QStringLiteral("roc"), rocJson(report, data_.classNames));
    callbacks_.artifact(QStringLiteral("pr"), prJson(report, data_.classNames));
    callbacks_.artifact(QStringLiteral("classification_report"),
                        classificationReportJson(report, data_.classNames));
    if (data_.images)
        callbacks_.artifact(QStringLiteral("misclassified"),
                            misclassifiedJson(test.outputs, test.targets, data_.test.features,
                                              test.activation, data_.classNames));
}

void TrainingRun::saveLast(int epoch, int64_t batchInEpoch, int64_t accumulated) {
    if (options_.checkpointDirectory.isEmpty())
        return;
    TrainerState state;
    state.step = step_;
    state.epoch = epoch;
    state.batchInEpoch = batchInEpoch;
    state.accumulated = accumulated;
    state.plateauScale = plateauScale_;
    state.stopBest = earlyStopping_.best();
    state.stopHasBest = earlyStopping_.hasBest();
    state.stopBad = earlyStopping_.badEvaluations();
    state.plateauBest = plateau_.best();
    state.plateauHasBest = plateau_.hasBest();
    state.plateauBad = plateau_.badEvaluations();
    // One file per step, never rewritten under a recorded name: a process killed after the
    // file is in place but before the workspace records it leaves the recorded checkpoint
    // intact, so a resume starts from exactly the step whose later metric rows it deletes.
    const QDir folder(options_.checkpointDirectory);
    const QString name = QStringLiteral("last-%1.pt").arg(step_);
    const QString path = folder.filePath(name);
    saveCheckpoint(path, model_, *optimizer_, state, options_.owner);
    lastSavedStep_ = step_;
    if (callbacks_.checkpoint)
        callbacks_.checkpoint(step_, epoch, path, false, QString(), 0);
    // Recorded: the older ones (and leftovers of a killed process) are no longer anyone's.
    for (const QString& old : folder.entryList(
             {QStringLiteral("last-*.pt"), QStringLiteral("last-*.pt.partial")}, QDir::Files)) {
        if (old != name)
            QFile::remove(folder.filePath(old));
    }
}

} // namespace trainlab
