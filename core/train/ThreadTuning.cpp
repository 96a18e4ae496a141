#include "train/ThreadTuning.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "train/ThreadBudget.h"
#include "train/TrainingProbe.h"

#include <QJsonArray>
#include <QThread>
#include <chrono>
#include <cmath>

namespace trainlab {

namespace {

/// Powers of two below `limit`, then `limit` itself (limit >= 1).
QVector<int> powersUpTo(int limit) {
    QVector<int> values;
    for (int v = 1; v < limit; v *= 2)
        values.append(v);
    values.append(limit);
    return values;
}

} // namespace

void checkThreadTuningOptions(const ThreadTuningOptions& o) {
    if (o.cores < 0 || o.cores > 1024)
        throw InputError(QStringLiteral("tune-threads --cores: must be between 1 and 1024, got %1")
                             .arg(o.cores));
    if (!(o.secondsPerProbe >= 0.05) || !std::isfinite(o.secondsPerProbe) ||
        o.secondsPerProbe > 600)
        throw InputError(
            QStringLiteral("tune-threads --seconds: must be between 0.05 and 600, got %1")
                .arg(o.secondsPerProbe));
    if (o.batchSize < 0)
        throw InputError(
            QStringLiteral("tune-threads --batch: must be at least 1, got %1").arg(o.batchSize));
}

QVector<ThreadSplit> threadSplitCandidates(int cores) {
    QVector<ThreadSplit> splits;
    if (cores < 1)
        return splits;
    QVector<int> workers{0};
    for (int w = 1; w < cores; w *= 2)
        workers.append(w);
    for (int w : workers)
        for (int t : powersUpTo(cores - w)) {
            ThreadSplit split;
            split.loaderWorkers = w;
            split.intraOpThreads = t;
            splits.append(split);
        }
    return splits;
}

double ThreadTuningResult::speedup() const {
    if (best < 0 || current < 0 || splits[current].samplesPerSecond <= 0)
        return 1;
    return splits[best].samplesPerSecond / splits[current].samplesPerSecond;
}

QJsonObject ThreadTuningResult::toJson() const {
    QJsonArray rows;
    for (const ThreadSplit& s : splits)
        rows.append(QJsonObject{{QStringLiteral("loader_workers"), s.loaderWorkers},
                                {QStringLiteral("intra_op_threads"), s.intraOpThreads},
                                {QStringLiteral("samples_per_second"), s.samplesPerSecond}});
    QJsonObject json{
        {QStringLiteral("cores"), cores},     {QStringLiteral("batch_size"), batchSize},
        {QStringLiteral("splits"), rows},     {QStringLiteral("best"), best},
        {QStringLiteral("current"), current}, {QStringLiteral("speedup"), speedup()},
        {QStringLiteral("seconds"), seconds}};
    if (const ThreadSplit* b = bestSplit()) {
        // What to put in the spec: the run's threads in all, and how many of them make batches.
        json.insert(QStringLiteral("training_threads"), b->threads());
        json.insert(QStringLiteral("loader_workers"), b->loaderWorkers);
    }
    return json;
}

ThreadTuningResult tuneThreads(const ExperimentSpec& spec, const DatasetSplits& data,
                               const ThreadTuningOptions& options,
                               const std::function<void(int, int, const ThreadSplit&)>& progress,
                               const std::atomic<bool>* cancel) {
    checkThreadTuningOptions(options);
    const auto started = std::chrono::steady_clock::now();
    ThreadTuningResult result;
    result.cores = options.cores > 0 ? options.cores : std::max(1, QThread::idealThreadCount());
    TrainingProbe trainer(spec, data, QStringLiteral("cpu"));
    result.batchSize =
        int(std::min<int64_t>(options.batchSize > 0 ? options.batchSize : spec.training.batchSize,
                              trainer.trainingSamples()));
    result.splits = threadSplitCandidates(result.cores);
    const ThreadBudget now =
        threadBudget(result.cores, spec.dataset.loader.workers, spec.dataset.augment.enabled());
    for (qsizetype i = 0; i < result.splits.size(); ++i)
        if (result.splits[i].loaderWorkers == now.loaderWorkers &&
            result.splits[i].intraOpThreads == now.intraOpThreads)
            result.current = int(i);
    // Two rounds, each split's better one kept: a moment's load from elsewhere on the machine
    // then has to hit a split twice to misrank it.
    const int rounds = 2;
    const int count = rounds * int(result.splits.size());
    int done = 0;
    for (int round = 0; round < rounds; ++round)
        for (ThreadSplit& split : result.splits) {
            if (cancel && cancel->load())
                break;
            const ProbeMeasurement m =
                trainer.measure(ProbeSetup::timed(result.batchSize, split.loaderWorkers,
                                                  split.intraOpThreads, options.secondsPerProbe),
                                cancel);
            split.samplesPerSecond = std::max(split.samplesPerSecond, m.samplesPerSecond);
            if (progress)
                progress(done++, count, split);
        }
    for (qsizetype i = 0; i < result.splits.size(); ++i)
        if (result.splits[i].samplesPerSecond > 0 &&
            (result.best < 0 ||
             result.splits[i].samplesPerSecond > result.splits[result.best].samplesPerSecond))
            result.best = int(i);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

ThreadTuningResult
tuneThreadsOfSpec(const ExperimentSpec& spec, const ThreadTuningOptions& options,
                  const std::function<void(int, int, const ThreadSplit&)>& progress,
                  const std::atomic<bool>* cancel) {
    checkThreadTuningOptions(options); // before the data is read: a typo costs nothing
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
    return tuneThreads(spec, data, options, progress, cancel);
}

} // namespace trainlab
