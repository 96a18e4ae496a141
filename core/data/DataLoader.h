#pragma once

#include "data/DatasetSpec.h"
#include "data/TensorDataset.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace trainlab {

struct Batch {
    torch::Tensor inputs;
    torch::Tensor targets;
    int64_t index = 0; ///< position within the epoch
};

struct LoaderOptions {
    int64_t batchSize = 128;
    bool shuffle = true;
    bool dropLast = false;
    bool balanced = false; ///< sample classes equally (with replacement) instead of shuffling
    int workers = 2;       ///< 0: batches are made by next() on the caller's thread
    int prefetch = 4;      ///< batches made ahead of the consumer
    int rank = 0;          ///< this shard, of worldSize
    int worldSize = 1;
    uint64_t seed = 0;
    AugmentSpec augment;
    bool pinMemory = false; ///< page-locked batches for fast copies to a CUDA device
};

/// Delivers an epoch's batches in order, made ahead by a pool of worker threads into a bounded
/// window. The order is a seeded permutation per epoch (or class-balanced sampling), sharded so
/// that rank r of w sees a disjoint 1/w of every epoch, the same number of batches on each rank.
/// Batches are ready model inputs: the batch's rows of the features, scaled and normalized (via
/// `prepare`, e.g. InputPreparation::rows), then augmented with a seed derived from (seed, epoch,
/// batch), so the stream does not depend on the workers.
class DataLoader {
public:
    using Prepare =
        std::function<torch::Tensor(const torch::Tensor& features, at::IntArrayRef rows)>;

    DataLoader(const TensorDataset& data, int64_t numClasses, Prepare prepare,
               LoaderOptions options);
    ~DataLoader();
    DataLoader(const DataLoader&) = delete;
    DataLoader& operator=(const DataLoader&) = delete;

    /// Starts epoch `epoch` (0-based) at batch `firstBatch` (a resumed run skips what it did);
    /// batches of a previous epoch not yet taken are dropped.
    void startEpoch(int epoch, int64_t firstBatch = 0);
    /// The next batch of the current epoch, or nullopt at its end. Rethrows a worker's error.
    std::optional<Batch> next();

    int64_t batchesPerEpoch() const;
    int64_t samplesPerEpoch() const { return shardSize_; }
    /// The sample indices of an epoch for this shard, in delivery order (for tests).
    std::vector<int64_t> epochOrder(int epoch) const;

private:
    using Order = std::shared_ptr<const std::vector<int64_t>>;
    Batch makeBatch(const Order& order, int epoch, int64_t index) const;
    void workerLoop();
    void stopWorkers();

    const TensorDataset& data_;
    int64_t numClasses_;
    Prepare prepare_;
    LoaderOptions options_;
    int64_t shardSize_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable workAvailable_;
    std::condition_variable batchReady_;
    std::vector<std::thread> workers_;
    bool stopping_ = false;
    uint64_t generation_ = 0; ///< bumped per epoch; stale batches are discarded
    int epoch_ = -1;
    Order order_; ///< replaced, never mutated: workers keep the epoch they started with
    int64_t nextToMake_ = 0;
    int64_t nextToTake_ = 0;
    std::map<int64_t, Batch> ready_;
    std::exception_ptr error_;
};

} // namespace trainlab
