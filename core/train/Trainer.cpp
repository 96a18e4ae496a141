#include "train/Trainer.h"

#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "spec/SpecErrors.h"
#include "train/EarlyStopping.h"
#include "train/EvaluationMetrics.h"
#include "train/LossFunction.h"
#include "train/LrSchedule.h"
#include "train/OptimizerFactory.h"

#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>

#include <QThread>
#include <chrono>
#include <cmath>
#include <thread>

namespace trainlab {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kEvalBatch = 1024;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void checkSupported(const ExperimentSpec& spec, const DatasetSplits& data) {
    const TaskKind task = data.task;
    const QString& metric = spec.training.earlyStopping.metric;
    QStringList perEpoch;
    for (const QString& name : Trainer::metricNames(task, data.numClasses))
        perEpoch << QStringLiteral("val_") + name;
    if (!metric.isEmpty() && !perEpoch.contains(metric))
        throw InputError(QStringLiteral("training.early_stopping.metric: '%1' is not evaluated "
                                        "per epoch (use one of %2)")
                             .arg(metric, perEpoch.join(QStringLiteral(", "))));
    if (!metric.isEmpty() && data.validation.size() == 0)
        throw InputError(QStringLiteral("training.early_stopping.metric: early stopping needs a "
                                        "validation split (dataset.validation_split is 0)"));
    if (spec.training.precision != QLatin1String("fp32"))
        throw InputError(QStringLiteral("training.precision: %1 needs mixed-precision support, "
                                        "which this build does not have yet; use fp32")
                             .arg(spec.training.precision));
    if (spec.dataset.imbalance.sampling == QLatin1String("balanced") &&
        task != TaskKind::Classification)
        throw InputError(QStringLiteral("dataset.imbalance.sampling: balanced sampling needs "
                                        "classes; the dataset is a regression task"));
}

// LibTorch's OpenMP pool size is per calling thread, and a fresh thread (like this backend's)
// starts with one: set it every run. OMP_NUM_THREADS, when set, is the user's choice.
int trainingThreads(const TrainingSpec& t) {
    if (t.threads > 0)
        return t.threads;
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("OMP_NUM_THREADS", &ok);
    return ok && fromEnv > 0 ? fromEnv : std::max(1, QThread::idealThreadCount());
}

LossSpec resolvedLoss(const LossSpec& spec, TaskKind task) {
    LossSpec loss = spec;
    if (loss.type.isEmpty())
        loss.type = task == TaskKind::Regression ? QStringLiteral("mse") : QStringLiteral("cross_entropy");
    return loss;
}

/// Running sums of one logging window.
struct Window {
    double lossSum = 0;
    int64_t correct = 0;
    int64_t samples = 0;
    double waitSeconds = 0;
    Clock::time_point start = Clock::now();
    void reset() { *this = Window(); }
};

} // namespace

Trainer::Trainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                 TrainerCallbacks callbacks)
    : spec_(spec)
    , data_(data)
    , control_(control)
    , callbacks_(std::move(callbacks)) {}

bool Trainer::waitWhilePaused() const {
    while (control_.pause.load() && !control_.cancel.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return !control_.cancel.load();
}

Evaluation Trainer::evaluate(torch::nn::Sequential& model, const LossFunction& loss,
                             const DatasetSplits& data, const TensorDataset& split) {
    torch::NoGradGuard noGrad;
    model->eval();
    Evaluation result;
    double lossSum = 0;
    std::vector<torch::Tensor> outputs;
    const int64_t n = split.size();
    for (int64_t begin = 0; begin < n; begin += kEvalBatch) {
        const int64_t end = std::min(n, begin + kEvalBatch);
        const auto x = prepareFeatures(split.features.slice(0, begin, end), data);
        const auto y = split.targets.slice(0, begin, end);
        outputs.push_back(model->forward(x));
        lossSum += loss.evaluationLoss(outputs.back(), y).item<double>() * double(end - begin);
    }
    model->train();
    if (n > 0) {
        result.loss = lossSum / double(n);
        result.outputs = torch::cat(outputs);
        result.targets = split.targets;
    }
    return result;
}

QStringList Trainer::metricNames(TaskKind task, int64_t numClasses) {
    if (task == TaskKind::Regression)
        return {QStringLiteral("loss"), QStringLiteral("mae"), QStringLiteral("r2")};
    QStringList names = {QStringLiteral("loss"), QStringLiteral("accuracy"),
                         QStringLiteral("macro_f1"), QStringLiteral("macro_auc")};
    if (numClasses > 5)
        names << QStringLiteral("top5_accuracy");
    return names;
}

QMap<QString, double> Trainer::scalarMetrics(const Evaluation& evaluation, const DatasetSplits& data,
                                             const QString& prefix) {
    QMap<QString, double> metrics{{prefix + QStringLiteral("loss"), evaluation.loss}};
    if (!evaluation.outputs.defined())
        return metrics;
    if (data.task == TaskKind::Regression) {
        const RegressionReport r = regressionReport(evaluation.outputs, evaluation.targets);
        metrics.insert(prefix + QStringLiteral("mae"), r.mae);
        metrics.insert(prefix + QStringLiteral("r2"), r.r2);
        return metrics;
    }
    const ClassificationReport r =
        classificationReport(evaluation.outputs, evaluation.targets, data.numClasses, 5);
    metrics.insert(prefix + QStringLiteral("accuracy"), r.accuracy);
    metrics.insert(prefix + QStringLiteral("macro_f1"), r.macroF1);
    metrics.insert(prefix + QStringLiteral("macro_auc"), r.macroAuc);
    if (data.numClasses > 5)
        metrics.insert(prefix + QStringLiteral("top5_accuracy"), r.topK);
    return metrics;
}

void Trainer::reportTest(torch::nn::Sequential& model, const LossFunction& loss, int64_t step,
                         int epochs) {
    const Evaluation test = evaluate(model, loss, data_, data_.test);
    const auto metrics = scalarMetrics(test, data_, QStringLiteral("test_"));
    QString line;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        callbacks_.metric(step, epochs, it.key(), it.value());
        line += QStringLiteral("%1 %2  ").arg(it.key()).arg(it.value(), 0, 'f', 4);
    }
    callbacks_.message(line.trimmed());
    if (data_.task != TaskKind::Classification || !callbacks_.artifact)
        return;
    const ClassificationReport report =
        classificationReport(test.outputs, test.targets, data_.numClasses, 5);
    callbacks_.artifact(QStringLiteral("confusion_matrix"), confusionMatrixJson(report, data_.classNames));
    callbacks_.artifact(QStringLiteral("roc"), rocJson(report, data_.classNames));
    callbacks_.artifact(QStringLiteral("classification_report"),
                        classificationReportJson(report, data_.classNames));
}

TrainOutcome Trainer::run() {
    const TrainingSpec& t = spec_.training;
    const DatasetSpec& d = spec_.dataset;
    const auto started = Clock::now();
    TrainOutcome outcome;
    checkSupported(spec_, data_);

    torch::manual_seed(uint64_t(t.seed));
    torch::set_num_threads(trainingThreads(t));
    const bool classification = data_.task == TaskKind::Classification;
    BuiltModel built = buildModel(spec_.model, data_.sampleShape, classification ? data_.numClasses : 1);
    torch::nn::Sequential model = built.net;
    model->train();
    auto optimizer = makeOptimizer(t.optimizer, model->parameters());
    const LossFunction loss(resolvedLoss(t.loss, data_.task), data_.task,
                            d.imbalance.classWeights && classification
                                ? inverseFrequencyWeights(data_.train, data_.numClasses)
                                : torch::Tensor());

    LoaderOptions loaderOptions;
    loaderOptions.batchSize = t.batchSize;
    loaderOptions.dropLast = d.loader.dropLast;
    loaderOptions.balanced = d.imbalance.sampling == QLatin1String("balanced");
    loaderOptions.workers = d.loader.workers;
    loaderOptions.prefetch = d.loader.prefetch;
    loaderOptions.seed = uint64_t(t.seed) + 1;
    loaderOptions.augment = d.augment;
    DataLoader loader(data_.train, data_.numClasses,
                      [this](const torch::Tensor& raw) { return prepareFeatures(raw, data_); },
                      loaderOptions);

    const int64_t batchesPerEpoch = loader.batchesPerEpoch();
    if (batchesPerEpoch == 0)
        throw InputError(QStringLiteral("training.batch_size: %1 is larger than the %2 training "
                                        "samples and dataset.loader.drop_last is on")
                             .arg(t.batchSize)
                             .arg(data_.train.size()));
    const int64_t stepsPerEpoch = std::max<int64_t>(1, batchesPerEpoch / t.gradAccumulation);
    const int64_t totalSteps = t.maxSteps > 0 ? std::min<int64_t>(t.maxSteps, stepsPerEpoch * t.epochs)
                                              : stepsPerEpoch * t.epochs;
    callbacks_.message(QStringLiteral("model: %1 parameters; %2 training samples, %3 steps")
                           .arg(built.parameters)
                           .arg(data_.train.size())
                           .arg(totalSteps));

    EarlyStopping earlyStopping(t.earlyStopping);
    int64_t step = 0;
    Window window;
    bool stop = false;
    setLearningRate(*optimizer, scheduledLr(t.schedule, t.optimizer.lr, 0, totalSteps, 0));
    optimizer->zero_grad();

    for (int epoch = 0; epoch < t.epochs && !stop; ++epoch) {
        loader.startEpoch(epoch);
        int64_t accumulated = 0;
        for (int64_t b = 0; b < batchesPerEpoch; ++b) {
            if (!waitWhilePaused()) {
                outcome.status = RunStatus::Cancelled;
                stop = true;
                break;
            }
            const auto waitStart = Clock::now();
            std::optional<Batch> batch = loader.next();
            const double waited = secondsSince(waitStart);
            window.waitSeconds += waited;
            outcome.dataWaitSeconds += waited;
            if (!batch)
                break;
            const auto outputs = model->forward(batch->inputs);
            const auto lossValueTensor = loss(outputs, batch->targets);
            const double lossValue = lossValueTensor.item<double>();
            if (!std::isfinite(lossValue)) {
                throw InputError(QStringLiteral("training diverged: the loss is %1 at step %2 "
                                                "(epoch %3). Try a lower learning rate "
                                                "(training.optimizer.lr = %4) or gradient "
                                                "clipping (training.grad_clip_norm).")
                                     .arg(lossValue)
                                     .arg(step)
                                     .arg(epoch + 1)
                                     .arg(t.optimizer.lr));
            }
            (t.gradAccumulation > 1 ? lossValueTensor / double(t.gradAccumulation) : lossValueTensor)
                .backward();
            const int64_t size = batch->targets.size(0);
            window.lossSum += lossValue * double(size);
            if (classification)
                window.correct += outputs.argmax(1).eq(batch->targets).sum().item<int64_t>();
            window.samples += size;
            if (++accumulated < t.gradAccumulation)
                continue;
            accumulated = 0;
            if (t.gradClipNorm > 0) {
                const double norm =
                    torch::nn::utils::clip_grad_norm_(model->parameters(), t.gradClipNorm);
                callbacks_.metric(step, epoch, QStringLiteral("grad_norm"), norm);
            }
            optimizer->step();
            optimizer->zero_grad();
            ++step;
            const double fractionalEpoch = double(epoch) + double(b + 1) / double(batchesPerEpoch);
            if (step % t.logEverySteps == 0 || b + 1 == batchesPerEpoch) {
                const double seconds = secondsSince(window.start);
                auto log = [&](const char* name, double value) {
                    callbacks_.metric(step, fractionalEpoch, QString::fromLatin1(name), value);
                };
                log("train_loss", window.lossSum / double(window.samples));
                if (classification)
                    log("train_accuracy", double(window.correct) / double(window.samples));
                log("lr", optimizer->param_groups().front().options().get_lr());
                if (seconds > 0) {
                    log("samples_per_s", double(window.samples) / seconds);
                    log("data_wait_fraction", window.waitSeconds / seconds);
                }
                window.reset();
            }
            setLearningRate(*optimizer,
                            scheduledLr(t.schedule, t.optimizer.lr, step, totalSteps, epoch));
            if ((t.maxSteps > 0 && step >= t.maxSteps) ||
                (t.maxWallTimeS > 0 && secondsSince(started) >= t.maxWallTimeS)) {
                callbacks_.message(QStringLiteral("budget reached at step %1").arg(step));
                stop = true;
                break;
            }
        }
        if (outcome.status == RunStatus::Cancelled)
            break;
        outcome.epochsDone = epoch + 1;
        // Epoch-based decays take effect from the next epoch's first step.
        setLearningRate(*optimizer,
                        scheduledLr(t.schedule, t.optimizer.lr, step, totalSteps, epoch + 1));
        QString line = QStringLiteral("epoch %1/%2  step %3").arg(epoch + 1).arg(t.epochs).arg(step);
        if (data_.validation.size() > 0) {
            const auto metrics = scalarMetrics(evaluate(model, loss, data_, data_.validation), data_,
                                               QStringLiteral("val_"));
            for (auto it = metrics.begin(); it != metrics.end(); ++it)
                callbacks_.metric(step, epoch + 1, it.key(), it.value());
            const QString headline = classification ? QStringLiteral("val_accuracy") : QStringLiteral("val_mae");
            line += QStringLiteral("  val_loss %1  %2 %3")
                        .arg(metrics.value(QStringLiteral("val_loss")), 0, 'f', 4)
                        .arg(headline)
                        .arg(metrics.value(headline), 0, 'f', 4);
            if (earlyStopping.enabled() && earlyStopping.update(metrics.value(earlyStopping.metric()))) {
                line += QStringLiteral("  (early stop: no improvement in %1 epochs)")
                            .arg(t.earlyStopping.patience);
                stop = true;
            }
        }
        callbacks_.message(line);
    }
    outcome.steps = step;
    if (outcome.status != RunStatus::Cancelled) {
        if (data_.test.size() > 0)
            reportTest(model, loss, step, outcome.epochsDone);
        outcome.status = RunStatus::Completed;
    }
    outcome.seconds = secondsSince(started);
    return outcome;
}

} // namespace trainlab
