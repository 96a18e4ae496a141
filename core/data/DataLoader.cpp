#include "data/DataLoader.h"

#include "data/Augmentation.h"
#include "data/DatasetBuilder.h"
#include "util/SeedMix.h"

#include <random>

namespace trainlab {

DataLoader::DataLoader(const TensorDataset& data, int64_t numClasses, Prepare prepare,
                       LoaderOptions options)
    : data_(data)
    , numClasses_(numClasses)
    , prepare_(std::move(prepare))
    , options_(options) {
    options_.worldSize = std::max(1, options_.worldSize);
    options_.prefetch = std::max(1, options_.prefetch);
    shardSize_ = data_.size() / options_.worldSize;
    for (int w = 0; w < options_.workers; ++w)
        workers_.emplace_back([this] { workerLoop(); });
}

DataLoader::~DataLoader() {
    stopWorkers();
}

void DataLoader::stopWorkers() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    workAvailable_.notify_all();
    for (auto& worker : workers_)
        worker.join();
    workers_.clear();
}

int64_t DataLoader::batchesPerEpoch() const {
    const int64_t b = options_.batchSize;
    return options_.dropLast ? shardSize_ / b : (shardSize_ + b - 1) / b;
}

std::vector<int64_t> DataLoader::epochOrder(int epoch) const {
    const int64_t n = data_.size();
    const uint64_t epochSeed = mixSeed(options_.seed, uint64_t(epoch));
    std::vector<int64_t> full;
    if (options_.balanced && numClasses_ > 0) {
        // Every class equally likely, then a uniform member of it: with replacement.
        std::vector<std::vector<int64_t>> byClass(static_cast<size_t>(numClasses_));
        const auto targets = data_.targets.contiguous();
        const int64_t* t = targets.data_ptr<int64_t>();
        for (int64_t i = 0; i < n; ++i)
            byClass[size_t(t[i])].push_back(i);
        std::vector<size_t> present;
        for (size_t k = 0; k < byClass.size(); ++k) {
            if (!byClass[k].empty())
                present.push_back(k);
        }
        std::mt19937_64 engine(epochSeed);
        full.resize(size_t(n));
        for (auto& index : full) {
            const auto& members = byClass[present[engine() % present.size()]];
            index = members[engine() % members.size()];
        }
    } else if (options_.shuffle) {
        full = seededPermutation(n, epochSeed);
    } else {
        full.resize(size_t(n));
        std::iota(full.begin(), full.end(), 0);
    }
    // Strided shard of an order shared by all ranks: disjoint, and equal in size.
    std::vector<int64_t> shard;
    shard.reserve(size_t(shardSize_));
    for (int64_t i = options_.rank; i < n && int64_t(shard.size()) < shardSize_;
         i += options_.worldSize)
        shard.push_back(full[size_t(i)]);
    return shard;
}

Batch DataLoader::makeBatch(const Order& order, int epoch, int64_t index) const {
    const int64_t begin = index * options_.batchSize;
    const int64_t end = std::min<int64_t>(begin + options_.batchSize, int64_t(order->size()));
    const at::IntArrayRef rows(order->data() + begin, size_t(end - begin));
    torch::Tensor inputs = prepare_(data_.features, rows);
    inputs = augmentBatch(inputs, options_.augment,
                          mixSeed(mixSeed(options_.seed, uint64_t(epoch)), uint64_t(index)));
    torch::Tensor targets = selectRows(data_.targets, rows);
    if (options_.pinMemory) {
        inputs = inputs.pin_memory();
        targets = targets.pin_memory();
    }
    return {inputs.contiguous(), targets, index};
}

void DataLoader::startEpoch(int epoch, int64_t firstBatch) {
    auto order = std::make_shared<const std::vector<int64_t>>(epochOrder(epoch));
    {
        std::lock_guard lock(mutex_);
        ++generation_;
        epoch_ = epoch;
        order_ = std::move(order);
        nextToMake_ = firstBatch;
        nextToTake_ = firstBatch;
        ready_.clear();
        error_ = nullptr;
    }
    workAvailable_.notify_all();
}

void DataLoader::workerLoop() {
    std::unique_lock lock(mutex_);
    while (true) {
        workAvailable_.wait(lock, [this] {
            return stopping_ || (epoch_ >= 0 && nextToMake_ < batchesPerEpoch() &&
                                 nextToMake_ < nextToTake_ + options_.prefetch);
        });
        if (stopping_)
            return;
        const int64_t index = nextToMake_++;
        const uint64_t generation = generation_;
        const Order order = order_;
        const int epoch = epoch_;
        lock.unlock();
        std::optional<Batch> batch;
        std::exception_ptr error;
        try {
            batch = makeBatch(order, epoch, index);
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        if (generation != generation_)
            continue; // made for an epoch that has since been restarted
        if (error)
            error_ = error;
        else
            ready_.emplace(index, std::move(*batch));
        batchReady_.notify_all();
    }
}

std::optional<Batch> DataLoader::next() {
    std::unique_lock lock(mutex_);
    if (epoch_ < 0 || nextToTake_ >= batchesPerEpoch())
        return std::nullopt;
    if (workers_.empty()) {
        const int64_t index = nextToTake_++;
        const Order order = order_;
        const int epoch = epoch_;
        lock.unlock();
        return makeBatch(order, epoch, index);
    }
    batchReady_.wait(lock, [this] { return error_ || ready_.count(nextToTake_) > 0; });
    if (error_)
        std::rethrow_exception(error_);
    auto node = ready_.extract(nextToTake_);
    ++nextToTake_;
    lock.unlock();
    workAvailable_.notify_all();
    return std::move(node.mapped());
}

} // namespace trainlab
