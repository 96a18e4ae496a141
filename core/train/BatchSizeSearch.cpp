#include "train/BatchSizeSearch.h"

#include "base/Errors.h"
#include "base/ProcessMemory.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "parallel/Devices.h"
#include "train/ThreadBudget.h"
#include "train/TrainingProbe.h"

#include <QJsonArray>
#include <chrono>
#include <cmath>

namespace trainlab {

namespace {

QString gigabytes(double bytes) {
    return QStringLiteral("%1 GB").arg(bytes / 1e9, 0, 'f', bytes < 1e10 ? 2 : 1);
}

/// The memory a step at `batch` will take, from the last probes (which fit and were measured):
/// along the line through the last two, whose intercept is what does not grow with the batch
/// (gradients, optimizer state); from one alone, proportional to the batch, which over-counts
/// that part and so errs on the safe side.
double predictedPeak(const QVector<BatchSizeProbe>& probes, int batch) {
    const BatchSizeProbe& last = probes.back();
    if (probes.size() >= 2 && probes[probes.size() - 2].peakBytes) {
        const BatchSizeProbe& before = probes[probes.size() - 2];
        const double slope =
            (*last.peakBytes - *before.peakBytes) / double(last.batch - before.batch);
        if (slope > 0)
            return *last.peakBytes + slope * double(batch - last.batch);
    }
    return *last.peakBytes * double(batch) / last.batch;
}

} // namespace

void checkBatchSizeOptions(const BatchSizeOptions& o) {
    if (o.startBatch < 1)
        throw InputError(QStringLiteral("batch-find --start-batch: must be at least 1, got %1")
                             .arg(o.startBatch));
    if (o.maxBatch < 0 || (o.maxBatch > 0 && o.maxBatch < o.startBatch))
        throw InputError(QStringLiteral("batch-find --max-batch: must be at least --start-batch "
                                        "(%1), got %2")
                             .arg(o.startBatch)
                             .arg(o.maxBatch));
    if (!(o.memoryBudgetBytes >= 0) || !std::isfinite(o.memoryBudgetBytes))
        throw InputError(QStringLiteral("batch-find --memory: must be a size above 0, got %1")
                             .arg(o.memoryBudgetBytes));
    if (o.targetBatch < 0)
        throw InputError(
            QStringLiteral("batch-find --target: must be at least 1, got %1").arg(o.targetBatch));
    if (!(o.maxStepSeconds > 0))
        throw InputError(QStringLiteral("batch-find: a step's time limit must be above 0 s"));
}

AccumulationPlan accumulationFor(int target, int largest) {
    if (target <= 0 || largest <= 0)
        return {};
    if (target <= largest)
        return {target, 1};
    const int fewest = (target + largest - 1) / largest;
    // An exact split keeps the effective batch the spec asked for; twice the fewest steps is
    // as much slower as it is worth looking.
    for (int steps = fewest; steps <= 2 * fewest; ++steps)
        if (target % steps == 0)
            return {target / steps, steps};
    return {(target + fewest - 1) / fewest, fewest};
}

QString BatchSizeResult::limitText() const {
    return batchLimitText(limit, memoryBudgetBytes);
}

QString batchLimitText(const QString& limit, double memoryBudgetBytes) {
    if (limit == QLatin1String("memory"))
        return QStringLiteral("the memory budget (%1)").arg(gigabytes(memoryBudgetBytes));
    if (limit == QLatin1String("out_of_memory"))
        return QStringLiteral("the device's memory (out of memory)");
    if (limit == QLatin1String("time"))
        return QStringLiteral("the time a step may take");
    if (limit == QLatin1String("data"))
        return QStringLiteral("the training split's size");
    if (limit == QLatin1String("max_batch"))
        return QStringLiteral("the largest batch asked for");
    return QStringLiteral("a stop before the end");
}

QJsonObject BatchSizeResult::toJson() const {
    QJsonArray rows;
    for (const BatchSizeProbe& p : probes)
        rows.append(QJsonObject{
            {QStringLiteral("batch"), p.batch},
            {QStringLiteral("fits"), p.fits},
            {QStringLiteral("out_of_memory"), p.outOfMemory},
            {QStringLiteral("samples_per_second"), p.samplesPerSecond},
            {QStringLiteral("step_seconds"), p.stepSeconds},
            {QStringLiteral("peak_bytes"), p.peakBytes ? QJsonValue(*p.peakBytes) : QJsonValue()},
            {QStringLiteral("note"), p.note}});
    return {{QStringLiteral("probes"), rows},
            {QStringLiteral("largest_batch"), largestBatch},
            {QStringLiteral("limit"), limit},
            {QStringLiteral("memory_budget_bytes"), memoryBudgetBytes},
            {QStringLiteral("device"), device},
            {QStringLiteral("target_batch"), targetBatch},
            {QStringLiteral("micro_batch"), plan.microBatch},
            {QStringLiteral("accumulation"), plan.accumulation},
            {QStringLiteral("seconds"), seconds}};
}

BatchSizeResult searchBatchSizes(const BatchSizeOptions& options, int cap,
                                 const std::function<BatchSizeProbe(int)>& probe,
                                 const std::atomic<bool>* cancel) {
    checkBatchSizeOptions(options);
    BatchSizeResult result;
    result.memoryBudgetBytes = options.memoryBudgetBytes;
    const int maxBatch = options.maxBatch > 0 ? std::min(options.maxBatch, cap) : cap;
    int batch = std::min(options.startBatch, maxBatch);
    while (batch > 0) {
        if (cancel && cancel->load()) {
            result.limit = QStringLiteral("cancelled");
            break;
        }
        const BatchSizeProbe p = probe(batch);
        result.probes.append(p);
        if (!p.fits) {
            result.limit =
                p.outOfMemory ? QStringLiteral("out_of_memory") : QStringLiteral("memory");
            break;
        }
        result.largestBatch = batch;
        if (batch >= maxBatch) {
            result.limit = maxBatch == cap ? QStringLiteral("data") : QStringLiteral("max_batch");
            break;
        }
        if (p.stepSeconds > options.maxStepSeconds) {
            result.limit = QStringLiteral("time");
            break;
        }
        const int next = int(std::min<int64_t>(int64_t(batch) * 2, maxBatch));
        if (options.memoryBudgetBytes > 0 && p.peakBytes &&
            predictedPeak(result.probes, next) > options.memoryBudgetBytes) {
            result.limit = QStringLiteral("memory");
            break;
        }
        batch = next;
    }
    return result;
}

BatchSizeResult batchSizeSearch(const ExperimentSpec& spec, const DatasetSplits& data,
                                BatchSizeOptions options,
                                const std::function<void(const BatchSizeProbe&)>& progress,
                                const std::atomic<bool>* cancel) {
    checkBatchSizeOptions(options);
    const auto started = std::chrono::steady_clock::now();
    const QString device = resolveDevices(spec.devices).value(0, QStringLiteral("cpu"));
    const bool cuda = device.startsWith(QLatin1String("cuda"));
    if (!cuda && options.memoryBudgetBytes == 0)
        options.memoryBudgetBytes = 0.5 * availableMemoryBytes().value_or(4e9);
    if (cuda)
        options.memoryBudgetBytes = 0;
    const int target = options.targetBatch > 0
                           ? options.targetBatch
                           : spec.training.batchSize * std::max(1, spec.training.gradAccumulation);
    const ThreadBudget threads = threadBudget(options.cpuThreads, spec.dataset.loader.workers,
                                              spec.dataset.augment.enabled());
    TrainingProbe trainer(spec, data, device);
    const int cap = int(std::min<int64_t>(trainer.trainingSamples(), 1 << 30));
    BatchSizeResult result = searchBatchSizes(
        options, cap,
        [&](int batch) {
            ProbeSetup setup;
            setup.batchSize = batch;
            setup.loaderWorkers = threads.loaderWorkers;
            setup.intraOpThreads = threads.intraOpThreads;
            // Two steps at least and half a second: a step of a small batch takes milliseconds,
            // too short to time alone.
            setup.minSteps = 2;
            setup.minSeconds = 0.5;
            setup.maxSteps = 500;
            const ProbeMeasurement m = trainer.measure(setup, cancel);
            BatchSizeProbe p;
            p.batch = batch;
            p.outOfMemory = m.outOfMemory;
            p.peakBytes = m.peakBytes;
            p.samplesPerSecond = m.samplesPerSecond;
            p.stepSeconds = m.steps > 0 ? m.seconds / m.steps : 0;
            const bool overBudget = options.memoryBudgetBytes > 0 && m.peakBytes &&
                                    *m.peakBytes > options.memoryBudgetBytes;
            p.fits = !m.outOfMemory && !overBudget;
            p.note = m.outOfMemory ? m.error
                     : overBudget
                         ? QStringLiteral("used %1, over the budget of %2")
                               .arg(gigabytes(*m.peakBytes), gigabytes(options.memoryBudgetBytes))
                         : QString();
            if (progress)
                progress(p);
            return p;
        },
        cancel);
    result.device = device;
    result.targetBatch = target;
    result.plan = accumulationFor(target, result.largestBatch);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

BatchSizeResult batchSizeSearchOfSpec(const ExperimentSpec& spec, const BatchSizeOptions& options,
                                      const std::function<void(const BatchSizeProbe&)>& progress,
                                      const std::atomic<bool>* cancel) {
    checkBatchSizeOptions(options); // before the data is read: a typo costs nothing
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
    return batchSizeSearch(spec, data, options, progress, cancel);
}

} // namespace trainlab
