#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <QVector>
#include <atomic>
#include <functional>

namespace trainlab {

struct DatasetSplits;

/// How the thread tuner probes: each split of `cores` between loader workers and intra-op
/// threads trains the spec's model for `secondsPerProbe` after a warm-up.
struct ThreadTuningOptions {
    int cores = 0; ///< the cores a run is given; 0: every core
    double secondsPerProbe = 1.5;
    int batchSize = 0; ///< 0: the spec's
};

/// One split of the cores, and what it trained.
struct ThreadSplit {
    int loaderWorkers = 0;
    int intraOpThreads = 1;
    double samplesPerSecond = 0;
    int threads() const { return loaderWorkers + intraOpThreads; }
};

struct ThreadTuningResult {
    int cores = 0;
    int batchSize = 0;
    QVector<ThreadSplit> splits; ///< in the order they were probed
    int best = -1;               ///< the fastest split's index; -1 when none ran
    int current = -1;            ///< the split the spec would use now (threadBudget), if probed
    double seconds = 0;

    const ThreadSplit* bestSplit() const { return best >= 0 ? &splits[best] : nullptr; }
    /// The best split's speed over the spec's current one (1 when they are the same).
    double speedup() const;
    QJsonObject toJson() const;
};

/// Throws InputError naming the option (--cores, --seconds, --batch) that cannot be.
void checkThreadTuningOptions(const ThreadTuningOptions& options);

/// The splits worth probing for `cores`: w workers and t intra-op threads with w + t <= cores,
/// (fewer threads than cores can be faster for a small model, and leave cores to a run beside
/// it); on many cores, workers and threads in powers of two (and all the cores).
QVector<ThreadSplit> threadSplitCandidates(int cores);

/// Probes every candidate on the spec's model and data on the CPU. `progress` (may be empty)
/// hears each split once measured.
ThreadTuningResult
tuneThreads(const ExperimentSpec& spec, const DatasetSplits& data,
            const ThreadTuningOptions& options,
            const std::function<void(int index, int count, const ThreadSplit&)>& progress = {},
            const std::atomic<bool>* cancel = nullptr);

/// The same on the spec's own data, read here (torch-free callers: the CLI, the job layer).
ThreadTuningResult
tuneThreadsOfSpec(const ExperimentSpec& spec, const ThreadTuningOptions& options,
                  const std::function<void(int, int, const ThreadSplit&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

} // namespace trainlab
