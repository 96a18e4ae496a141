#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <QVector>
#include <atomic>
#include <functional>
#include <optional>

namespace trainlab {

struct DatasetSplits;

/// How the batch-size finder searches: batch sizes doubling from `startBatch`, each trained for
/// a few steps, until one does not fit (out of memory, or over the memory budget), a step takes
/// too long, or the training set or `maxBatch` is reached.
struct BatchSizeOptions {
    int startBatch = 16;
    int maxBatch = 0; ///< 0: the training split's size
    /// What a step may use beyond the model and the data, in bytes, on the CPU. 0: half of what
    /// the kernel says is available when the search starts. On a CUDA device the device's own
    /// memory is the limit, found by running out of it.
    double memoryBudgetBytes = 0;
    /// The effective batch to reach by gradient accumulation; 0: the spec's
    /// batch_size x grad_accumulation.
    int targetBatch = 0;
    double maxStepSeconds = 10; ///< a larger batch whose step takes longer is not tried
    int cpuThreads = 0;         ///< 0: every core
};

/// One batch size tried.
struct BatchSizeProbe {
    int batch = 0;
    bool fits = false;
    bool outOfMemory = false;
    double samplesPerSecond = 0;
    double stepSeconds = 0;
    std::optional<double> peakBytes; ///< beyond model and data; nullopt where not measured
    QString note;                    ///< why it does not fit
};

/// How to reach an effective batch with micro-batches no larger than what fits.
struct AccumulationPlan {
    int microBatch = 0;
    int accumulation = 1;
    int effectiveBatch() const { return microBatch * accumulation; }
};

struct BatchSizeResult {
    QVector<BatchSizeProbe> probes;
    int largestBatch = 0; ///< the largest batch that fit; 0 when none did
    QString limit; ///< what ended it: memory, out_of_memory, time, data, max_batch, cancelled
    double memoryBudgetBytes = 0; ///< the budget used (0 on a CUDA device)
    QString device;
    int targetBatch = 0;
    AccumulationPlan plan; ///< for targetBatch with micro-batches of at most largestBatch
    double seconds = 0;

    QJsonObject toJson() const;
    /// The limit in words ("the memory budget (11.5 GB)"), for messages.
    QString limitText() const;
};

/// What ended a search (BatchSizeResult::limit) in words, given the budget it had.
QString batchLimitText(const QString& limit, double memoryBudgetBytes);

/// Throws InputError naming the option (--start-batch, --max-batch, --memory, --target) that
/// cannot be.
void checkBatchSizeOptions(const BatchSizeOptions& options);

/// The micro-batch and accumulation for `target` when at most `largest` fits: the fewest
/// accumulation steps whose micro-batch divides the target exactly, else the fewest steps that
/// reach at least the target.
AccumulationPlan accumulationFor(int target, int largest);

/// The doubling search given a probe of one batch size (the real one trains; tests give their
/// own): stops at the first batch that does not fit, before a batch whose predicted memory
/// (linear in the batch from the last probe) passes the budget, and after a step slower than
/// maxStepSeconds. `cap` is the largest batch allowed (the training split's size).
BatchSizeResult searchBatchSizes(const BatchSizeOptions& options, int cap,
                                 const std::function<BatchSizeProbe(int batch)>& probe,
                                 const std::atomic<bool>* cancel = nullptr);

/// The search on the spec's model, optimizer, loss, precision and augmentation, on the spec's
/// first device. `progress` (may be empty) hears each probe.
BatchSizeResult batchSizeSearch(const ExperimentSpec& spec, const DatasetSplits& data,
                                BatchSizeOptions options,
                                const std::function<void(const BatchSizeProbe&)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

/// The same on the spec's own data, read here (torch-free callers: the CLI, the job layer).
BatchSizeResult
batchSizeSearchOfSpec(const ExperimentSpec& spec, const BatchSizeOptions& options,
                      const std::function<void(const BatchSizeProbe&)>& progress = {},
                      const std::atomic<bool>* cancel = nullptr);

} // namespace trainlab
