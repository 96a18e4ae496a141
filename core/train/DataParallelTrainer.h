#pragma once

// Exposes DatasetSplits (tensors): include only from targets that link Torch themselves.
#include "train/Trainer.h"

namespace trainlab {

/// Trains one spec on `worldSize` replicas at once, one thread per rank, each on its own shard
/// of the training data, talking through a Gloo process group over an in-process store (see
/// parallel/ProcessGroup.h). The spec's `training.batch_size` is the global batch: each rank
/// takes batch_size / worldSize samples per micro-batch, so a spec trains the same model
/// whatever the number of devices (2 ranks x 32 follow 1 rank x 64), and its learning rate
/// stays right. PyTorch's DDP keeps the per-rank batch instead; we do not, so that a sweep or a
/// resume on another number of devices means the same thing.
///
/// Rank 0 is the one the caller sees: it alone calls `callbacks` (metrics reduced over the
/// ranks: means, with samples_per_s summed), writes checkpoints and reports the test split.
/// Cancel, pause and the wall-time budget are agreed at each optimizer step so that every rank
/// stops at the same one. A rank that throws closes its connections, the others fail at once
/// (or at the 30 s collective timeout at worst), and run() rethrows the first rank's error.
class DataParallelTrainer {
public:
    /// `options.cpuThreads` is shared by the ranks; `options.device` must be "cpu" for now.
    DataParallelTrainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                        TrainerCallbacks callbacks, TrainerOptions options, int worldSize);
    TrainOutcome run();

    /// Throws InputError when `spec` cannot be trained on `worldSize` ranks (a batch that does
    /// not split evenly); names training.batch_size.
    static void checkSplittable(const ExperimentSpec& spec, int worldSize);

private:
    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    RunControl& control_;
    TrainerCallbacks callbacks_;
    TrainerOptions options_;
    int worldSize_;
};

} // namespace trainlab
