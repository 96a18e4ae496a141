#pragma once

namespace trainlab {

/// How a run spends the CPU threads it was given.
struct ThreadBudget {
    int loaderWorkers = 0;  ///< threads that make batches ahead (0: on the training thread)
    int intraOpThreads = 1; ///< LibTorch's pool for the forward and backward passes
};

/// Splits `cpuThreads` (0: every core) between loader workers and intra-op threads so that
/// together they stay within it: oversubscribing 2 cores with 2 workers and 2 intra-op threads
/// cost an MLP a third of its speed. `requestedWorkers` is the spec's `dataset.loader.workers`
/// (-1: auto: none when batches are a plain gather, one when augmentation makes them costly
/// and there are cores to spare). OMP_NUM_THREADS, when set, still decides the intra-op pool.
ThreadBudget threadBudget(int cpuThreads, int requestedWorkers, bool augmenting);

} // namespace trainlab
