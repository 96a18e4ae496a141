#include "train/Trainer.h"

#include "model/ModelBuilder.h"
#include "spec/SpecErrors.h"
#include "train/EarlyStopping.h"
#include "train/LrSchedule.h"
#include "train/OptimizerFactory.h"

#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <thread>

namespace trainlab {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kEvalBatch = 2048;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

torch::Tensor crossEntropy(const torch::Tensor& logits, const torch::Tensor& targets,
                           double labelSmoothing) {
    namespace F = torch::nn::functional;
    return F::cross_entropy(logits, targets,
                            F::CrossEntropyFuncOptions().label_smoothing(labelSmoothing));
}

const QStringList& evaluationMetrics() {
    static const QStringList names = {QStringLiteral("val_loss"), QStringLiteral("val_accuracy")};
    return names;
}

void checkSupported(const ExperimentSpec& spec) {
    if (!evaluationMetrics().contains(spec.training.earlyStopping.metric) &&
        !spec.training.earlyStopping.metric.isEmpty())
        throw InputError(QStringLiteral("training.early_stopping.metric: '%1' is not evaluated "
                                        "per epoch (use one of %2)")
                             .arg(spec.training.earlyStopping.metric,
                                  evaluationMetrics().join(QStringLiteral(", "))));
    if (spec.training.precision != QLatin1String("fp32"))
        throw InputError(QStringLiteral("training.precision: %1 needs mixed-precision support, "
                                        "which this build does not have yet; use fp32")
                             .arg(spec.training.precision));
}

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

Trainer::Evaluation Trainer::evaluate(torch::nn::Sequential& model,
                                      const TensorDataset& split) const {
    torch::NoGradGuard noGrad;
    model->eval();
    double lossSum = 0;
    int64_t correct = 0;
    const int64_t n = split.size();
    for (int64_t begin = 0; begin < n; begin += kEvalBatch) {
        const int64_t end = std::min(n, begin + kEvalBatch);
        const auto x = split.features.slice(0, begin, end);
        const auto y = split.targets.slice(0, begin, end);
        const auto logits = model->forward(x);
        lossSum += crossEntropy(logits, y, 0.0).item<double>() * double(end - begin);
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    }
    model->train();
    return {n > 0 ? lossSum / double(n) : 0.0, n > 0 ? double(correct) / double(n) : 0.0};
}

TrainOutcome Trainer::run() {
    const TrainingSpec& t = spec_.training;
    const auto started = Clock::now();
    TrainOutcome outcome;
    checkSupported(spec_);

    torch::manual_seed(uint64_t(t.seed));
    if (t.threads > 0)
        torch::set_num_threads(t.threads);
    BuiltModel built = buildModel(spec_.model, data_.sampleShape, data_.numClasses);
    torch::nn::Sequential model = built.net;
    model->train();
    auto optimizer = makeOptimizer(t.optimizer, model->parameters());

    const int64_t n = data_.train.size();
    const int64_t batchesPerEpoch = (n + t.batchSize - 1) / t.batchSize;
    const int64_t stepsPerEpoch = std::max<int64_t>(1, batchesPerEpoch / t.gradAccumulation);
    const int64_t totalSteps = t.maxSteps > 0 ? std::min<int64_t>(t.maxSteps, stepsPerEpoch * t.epochs)
                                              : stepsPerEpoch * t.epochs;
    callbacks_.message(QStringLiteral("model: %1 parameters; %2 training samples, %3 steps")
                           .arg(built.parameters)
                           .arg(n)
                           .arg(totalSteps));

    auto generator = at::detail::createCPUGenerator(uint64_t(t.seed) + 1);
    EarlyStopping earlyStopping(t.earlyStopping);
    int64_t step = 0;
    double windowLoss = 0;
    int64_t windowCorrect = 0;
    int64_t windowSamples = 0;
    auto windowStart = Clock::now();
    bool stop = false;
    setLearningRate(*optimizer, scheduledLr(t.schedule, t.optimizer.lr, 0, totalSteps, 0));
    optimizer->zero_grad();

    for (int epoch = 0; epoch < t.epochs && !stop; ++epoch) {
        const auto order = torch::randperm(n, generator, torch::kInt64);
        int64_t accumulated = 0;
        for (int64_t b = 0; b < batchesPerEpoch; ++b) {
            if (!waitWhilePaused()) {
                outcome.status = RunStatus::Cancelled;
                stop = true;
                break;
            }
            const auto idx = order.slice(0, b * t.batchSize, std::min(n, (b + 1) * t.batchSize));
            const auto x = data_.train.features.index_select(0, idx);
            const auto y = data_.train.targets.index_select(0, idx);
            const auto logits = model->forward(x);
            const auto loss = crossEntropy(logits, y, t.loss.labelSmoothing);
            const double lossValue = loss.item<double>();
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
            (t.gradAccumulation > 1 ? loss / double(t.gradAccumulation) : loss).backward();
            windowLoss += lossValue * double(idx.size(0));
            windowCorrect += logits.argmax(1).eq(y).sum().item<int64_t>();
            windowSamples += idx.size(0);
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
                const double seconds = secondsSince(windowStart);
                callbacks_.metric(step, fractionalEpoch, QStringLiteral("train_loss"),
                                  windowLoss / double(windowSamples));
                callbacks_.metric(step, fractionalEpoch, QStringLiteral("train_accuracy"),
                                  double(windowCorrect) / double(windowSamples));
                callbacks_.metric(step, fractionalEpoch, QStringLiteral("lr"),
                                  optimizer->param_groups().front().options().get_lr());
                if (seconds > 0)
                    callbacks_.metric(step, fractionalEpoch, QStringLiteral("samples_per_s"),
                                      double(windowSamples) / seconds);
                windowLoss = 0;
                windowCorrect = 0;
                windowSamples = 0;
                windowStart = Clock::now();
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
        // The schedule's epoch-based decays take effect from the next epoch's first step.
        setLearningRate(*optimizer,
                        scheduledLr(t.schedule, t.optimizer.lr, step, totalSteps, epoch + 1));
        QString line = QStringLiteral("epoch %1/%2  step %3").arg(epoch + 1).arg(t.epochs).arg(step);
        if (data_.validation.size() > 0) {
            const Evaluation val = evaluate(model, data_.validation);
            callbacks_.metric(step, epoch + 1, QStringLiteral("val_loss"), val.loss);
            callbacks_.metric(step, epoch + 1, QStringLiteral("val_accuracy"), val.accuracy);
            line += QStringLiteral("  val_loss %1  val_accuracy %2")
                        .arg(val.loss, 0, 'f', 4)
                        .arg(val.accuracy, 0, 'f', 4);
            if (earlyStopping.enabled() &&
                earlyStopping.update(earlyStopping.metric() == QLatin1String("val_loss")
                                         ? val.loss
                                         : val.accuracy)) {
                line += QStringLiteral("  (early stop: no improvement in %1 epochs)")
                            .arg(t.earlyStopping.patience);
                stop = true;
            }
        }
        callbacks_.message(line);
    }
    outcome.steps = step;
    if (outcome.status != RunStatus::Cancelled) {
        if (data_.test.size() > 0) {
            const Evaluation test = evaluate(model, data_.test);
            callbacks_.metric(step, outcome.epochsDone, QStringLiteral("test_loss"), test.loss);
            callbacks_.metric(step, outcome.epochsDone, QStringLiteral("test_accuracy"),
                              test.accuracy);
            callbacks_.message(QStringLiteral("test_loss %1  test_accuracy %2")
                                   .arg(test.loss, 0, 'f', 4)
                                   .arg(test.accuracy, 0, 'f', 4));
        }
        outcome.status = RunStatus::Completed;
    }
    outcome.seconds = secondsSince(started);
    return outcome;
}

} // namespace trainlab
