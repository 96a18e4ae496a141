#include "train/LrRangeTest.h"

#include "base/Errors.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "model/ModelBuilder.h"
#include "train/LossFunction.h"
#include "train/OptimizerFactory.h"
#include "train/ThreadBudget.h"

#include <QJsonArray>
#include <chrono>
#include <cmath>

namespace trainlab {

void checkLrRangeOptions(const LrRangeOptions& o) {
    if (!(o.minLr > 0) || !std::isfinite(o.minLr))
        throw InputError(QStringLiteral("lr-find --min-lr: must be > 0, got %1").arg(o.minLr));
    if (!(o.maxLr > o.minLr) || !std::isfinite(o.maxLr))
        throw InputError(QStringLiteral("lr-find --max-lr: must be above --min-lr (%1), got %2")
                             .arg(o.minLr)
                             .arg(o.maxLr));
    if (o.steps < 5 || o.steps > 100000)
        throw InputError(
            QStringLiteral("lr-find --steps: must be between 5 and 100000, got %1").arg(o.steps));
}

std::optional<double> steepestDescentLr(const QVector<LrRangePoint>& points) {
    if (points.size() < 3)
        return std::nullopt;
    qsizetype lowest = 0;
    for (qsizetype i = 1; i < points.size(); ++i)
        if (points[i].smoothed < points[lowest].smoothed)
            lowest = i;
    // The slope of the smoothed loss against log(lr), by central differences, up to the minimum.
    std::optional<qsizetype> steepest;
    double mostNegative = 0;
    for (qsizetype i = 1; i + 1 < points.size() && i <= lowest; ++i) {
        const double dx = std::log(points[i + 1].lr) - std::log(points[i - 1].lr);
        const double slope = (points[i + 1].smoothed - points[i - 1].smoothed) / dx;
        if (slope < mostNegative) {
            mostNegative = slope;
            steepest = i;
        }
    }
    return steepest ? std::optional<double>(points[*steepest].lr) : std::nullopt;
}

QJsonObject LrRangeResult::toJson() const {
    QJsonArray lrs;
    QJsonArray losses;
    QJsonArray smoothedLosses;
    for (const LrRangePoint& p : points) {
        lrs.append(p.lr);
        losses.append(std::isfinite(p.loss) ? QJsonValue(p.loss) : QJsonValue());
        smoothedLosses.append(std::isfinite(p.smoothed) ? QJsonValue(p.smoothed) : QJsonValue());
    }
    return {
        {QStringLiteral("lr"), lrs},
        {QStringLiteral("loss"), losses},
        {QStringLiteral("smoothed_loss"), smoothedLosses},
        {QStringLiteral("suggested_lr"), suggestedLr ? QJsonValue(*suggestedLr) : QJsonValue()},
        {QStringLiteral("min_loss_lr"), minimumLossLr ? QJsonValue(*minimumLossLr) : QJsonValue()},
        {QStringLiteral("diverged"), diverged},
        {QStringLiteral("seconds"), seconds}};
}

LrRangeResult lrRangeTest(const ExperimentSpec& spec, const DatasetSplits& data,
                          const LrRangeOptions& options,
                          const std::function<void(int, const LrRangePoint&)>& progress,
                          const std::atomic<bool>* cancel) {
    checkLrRangeOptions(options);
    const auto started = std::chrono::steady_clock::now();
    const TrainingSpec& t = spec.training;
    const bool classification = data.task == TaskKind::Classification;
    const ThreadBudget threads = threadBudget(options.cpuThreads, spec.dataset.loader.workers,
                                              spec.dataset.augment.enabled());
    torch::set_num_threads(threads.intraOpThreads);
    BuiltModel built = buildSeededModel(spec.model, data.sampleShape,
                                        classification ? data.numClasses : 1, uint64_t(t.seed));
    torch::nn::Sequential model = built.net;
    model->train();
    auto optimizer = makeOptimizer(t.optimizer, model->parameters());
    const LossFunction loss(resolvedLoss(t.loss, data.task), data.task);

    LoaderOptions loaderOptions;
    loaderOptions.batchSize = t.batchSize;
    loaderOptions.workers = threads.loaderWorkers;
    loaderOptions.seed = uint64_t(t.seed) + 1;
    loaderOptions.augment = spec.dataset.augment;
    const InputPreparation prepare(data);
    DataLoader loader(
        data.train, data.numClasses,
        [prepare](const torch::Tensor& features, at::IntArrayRef rows) {
            return prepare.rows(features, rows);
        },
        loaderOptions);
    if (loader.batchesPerEpoch() == 0)
        throw InputError(QStringLiteral("training.batch_size: %1 is larger than the %2 training "
                                        "samples")
                             .arg(t.batchSize)
                             .arg(data.train.size()));

    LrRangeResult result;
    const double growth = std::pow(options.maxLr / options.minLr, 1.0 / (options.steps - 1));
    double average = 0;
    double lowest = INFINITY;
    int epoch = 0;
    loader.startEpoch(epoch);
    for (int step = 0; step < options.steps; ++step) {
        if (cancel && cancel->load())
            break;
        std::optional<Batch> batch = loader.next();
        if (!batch) { // short epochs: the test goes on into the next one
            loader.startEpoch(++epoch);
            batch = loader.next();
        }
        LrRangePoint point;
        point.lr = options.minLr * std::pow(growth, step);
        setLearningRate(*optimizer, point.lr);
        optimizer->zero_grad();
        torch::Tensor value = loss(model->forward(batch->inputs), batch->targets);
        point.loss = value.item<double>();
        if (std::isfinite(point.loss)) {
            value.backward();
            optimizer->step();
        }
        average = options.smoothing * average + (1 - options.smoothing) * point.loss;
        point.smoothed = average / (1 - std::pow(options.smoothing, step + 1));
        result.points.append(point);
        if (progress)
            progress(step, point);
        if (!std::isfinite(point.smoothed) || point.smoothed > options.divergence * lowest) {
            result.diverged = true;
            break;
        }
        if (point.smoothed < lowest) {
            lowest = point.smoothed;
            result.minimumLossLr = point.lr;
        }
    }
    result.suggestedLr = steepestDescentLr(result.points);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

LrRangeResult lrRangeTestOfSpec(const ExperimentSpec& spec, const LrRangeOptions& options,
                                const std::function<void(int, const LrRangePoint&)>& progress,
                                const std::atomic<bool>* cancel) {
    checkLrRangeOptions(options); // before the data is read: a typo costs nothing
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
    return lrRangeTest(spec, data, options, progress, cancel);
}

} // namespace trainlab
