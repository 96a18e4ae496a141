#pragma once

// Exposes tensors: include only from targets that link Torch themselves (train, jobs, tests).
#include <ATen/core/Tensor.h>

#include <QString>
#include <chrono>
#include <memory>
#include <vector>

namespace trainlab {

/// Where the ranks of one data-parallel run meet: an in-process key-value store (c10d's
/// HashStore) that each rank's process group connects through. Shared by the rank threads of
/// one run; a multi-process run would use a TCPStore instead (not built yet).
class LocalRendezvous {
public:
    /// `timeout` bounds every collective: a rank whose peer stopped answering fails after it,
    /// instead of after Gloo's default of 30 minutes.
    LocalRendezvous(int worldSize, std::chrono::milliseconds timeout = kDefaultTimeout);
    ~LocalRendezvous();
    LocalRendezvous(const LocalRendezvous&) = delete;
    LocalRendezvous& operator=(const LocalRendezvous&) = delete;

    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

    int worldSize() const { return worldSize_; }
    std::chrono::milliseconds timeout() const { return timeout_; }

private:
    friend class ProcessGroup;
    struct Store;

    int worldSize_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<Store> store_;
};

/// One rank's end of a Gloo process group (c10d, the engine behind torch.distributed) over
/// loopback TCP. Constructed on the rank's own thread: the constructor blocks until every rank
/// of the rendezvous has joined (or the timeout passes, then it throws RunError). Every
/// collective must be called by all ranks in the same order with tensors of the same shapes.
/// Destroying a rank's group closes its connections, so peers waiting on it fail at once
/// rather than at the timeout.
class ProcessGroup {
public:
    ProcessGroup(LocalRendezvous& rendezvous, int rank);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const { return rank_; }
    int worldSize() const { return worldSize_; }

    /// Replaces each tensor with the mean of it over all ranks. Tensors are packed into buckets
    /// of about `bucketBytes` by dtype and device (flatten, one all-reduce per bucket, copy
    /// back), so a model of many small parameters costs a few collectives per step.
    void allReduceMean(const std::vector<at::Tensor>& tensors,
                       int64_t bucketBytes = kDefaultBucketBytes);
    /// Replaces each tensor with the sum of it over all ranks (bucketed the same way).
    void allReduceSum(const std::vector<at::Tensor>& tensors,
                      int64_t bucketBytes = kDefaultBucketBytes);
    /// Copies rank `root`'s values of the tensors into every other rank's (bucketed).
    void broadcast(const std::vector<at::Tensor>& tensors, int root = 0);
    /// Sums a few doubles over all ranks: flags and metrics, in one small collective.
    std::vector<double> sum(const std::vector<double>& values);

    /// PyTorch DDP's default bucket size (25 MiB).
    static constexpr int64_t kDefaultBucketBytes = int64_t(25) << 20;

private:
    struct Group;
    enum class Collective { Sum, Broadcast };
    void bucketed(const std::vector<at::Tensor>& tensors, int64_t bucketBytes, Collective kind,
                  int root);
    void runCollective(at::Tensor& flat, Collective kind, int root);

    int rank_;
    int worldSize_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<Group> group_;
};

} // namespace trainlab
