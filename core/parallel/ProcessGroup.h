#pragma once

// Exposes tensors: include only from targets that link Torch themselves (train, jobs, tests).
#include <ATen/core/Tensor.h>

#include "base/Errors.h"

#include <QString>
#include <chrono>
#include <memory>
#include <vector>

namespace trainlab {

class Rendezvous;

/// A collective that did not complete: a peer went away (its process group closed, its process
/// ended) or stopped answering for the timeout. Usually the echo of a failure elsewhere, which
/// the rendezvous may know more about (Rendezvous::failure).
class CollectiveError : public RunError {
public:
    using RunError::RunError;
};

/// One rank's end of a Gloo process group (c10d, the engine behind torch.distributed) over TCP:
/// loopback when every rank is on this host. Constructed on the rank's own thread: the
/// constructor blocks until all `worldSize` ranks of the rendezvous have joined (or the
/// timeout passes, then it throws CollectiveError). Every collective must be called by all
/// ranks in the same order with tensors of the same shapes, and fails with CollectiveError.
/// Destroying a rank's group closes its connections, so peers waiting on it
/// fail at once rather than at the timeout.
class ProcessGroup {
public:
    ProcessGroup(Rendezvous& rendezvous, int rank, int worldSize);
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
