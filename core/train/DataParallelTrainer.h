#pragma once

// Exposes DatasetSplits (tensors): include only from targets that link Torch themselves.
#include "parallel/ClusterLayout.h"
#include "train/Trainer.h"

namespace trainlab {

class Rendezvous;

/// Trains one spec on `worldSize` replicas at once, one thread per rank, each on its own shard
/// of the training data, talking through a Gloo process group over an in-process store (see
/// parallel/ProcessGroup.h). The spec's `training.batch_size` is the global batch: each rank
/// takes batch_size / worldSize samples per micro-batch, so a spec trains the same model
/// whatever the number of devices (2 ranks x 32 follow 1 rank x 64), and its learning rate
/// stays right. PyTorch's DDP keeps the per-rank batch instead; we do not, so that a sweep or a
/// resume on another number of devices means the same thing.
///
/// The ranks may also live in several processes (on one host or several, see ClusterLayout):
/// each process trains its range of the ranks, and they meet at a TCP rendezvous.
///
/// Rank 0 is the one the caller sees: it alone calls `callbacks` (metrics reduced over the
/// ranks: means, with samples_per_s summed), writes checkpoints and reports the test split; a
/// process without rank 0 hears only its first rank's messages. Cancel, pause (in one process
/// only) and the wall-time budget are agreed at each optimizer step so that every rank stops at
/// the same one. A rank that throws tells the rendezvous why and closes its connections; the
/// others fail at once (or at the 30 s collective timeout at worst, when a rank hangs), and
/// run() rethrows the first failure, a rank of another process named as such.
class DataParallelTrainer {
public:
    /// Every rank in this process, over an in-process store. `options.cpuThreads` is shared by
    /// this process's ranks; `options.device` must be "cpu" for now.
    DataParallelTrainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                        TrainerCallbacks callbacks, TrainerOptions options, int worldSize);
    /// This process's `ranks` of a run whose other ranks meet at `rendezvous` (not owned).
    DataParallelTrainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                        TrainerCallbacks callbacks, TrainerOptions options, Rendezvous& rendezvous,
                        RankRange ranks);
    TrainOutcome run();

    /// Throws InputError when `spec` cannot be trained on `worldSize` ranks (a batch that does
    /// not split evenly); names training.batch_size.
    static void checkSplittable(const ExperimentSpec& spec, int worldSize);

    /// Tests set it to RANK:STEP: that rank throws at that optimizer step of its session
    /// (counted from 0), as a rank with bad data or out of memory would.
    static constexpr const char* kFailureHookVariable = "TRAINLAB_TEST_FAIL_RANK_AT_STEP";

private:
    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    RunControl& control_;
    TrainerCallbacks callbacks_;
    TrainerOptions options_;
    Rendezvous* rendezvous_ = nullptr; ///< null: every rank here, over a store of run()'s own
    RankRange ranks_;
};

} // namespace trainlab
