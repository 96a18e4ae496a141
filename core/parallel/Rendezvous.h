#pragma once

#include "base/Errors.h"
#include "parallel/ClusterLayout.h"

#include <QByteArray>
#include <QString>
#include <chrono>
#include <memory>
#include <optional>

namespace trainlab {

/// What a rank that failed told the others before it went away.
struct RankFailure {
    int rank = 0;
    FailureKind kind = FailureKind::Runtime;
    QString message;
};

/// Where the ranks of one data-parallel run meet: a key-value store (c10d's) that each rank's
/// process group connects through, and that the ranks also use to agree before they train (the
/// same spec and world size), to share what rank 0's process knows (the run, its checkpoint)
/// and to tell each other why one of them failed. In one process it is an in-memory HashStore
/// shared by the rank threads; across processes a TCPStore that the master process serves on
/// the master's port and the others connect to.
///
/// Thread-safe: the rank threads of a process share one.
class Rendezvous {
public:
    /// Every rank in this process. `timeout` bounds every wait and collective: a rank whose
    /// peer stopped answering fails after it, instead of after Gloo's default of 30 minutes.
    explicit Rendezvous(std::chrono::milliseconds timeout = ClusterLayout::kDefaultTimeout);
    /// Ranks in several processes: the master process listens on the master's port, the others
    /// connect to it, retrying until the layout's timeout. Throws EnvironmentError naming the
    /// master when it cannot listen there or cannot be reached.
    explicit Rendezvous(const ClusterLayout& layout);
    /// A master that is done waits (a few seconds at most) until every process that joined has
    /// left, so that none loses the store while it reads why the run stopped.
    ~Rendezvous();
    Rendezvous(const Rendezvous&) = delete;
    Rendezvous& operator=(const Rendezvous&) = delete;

    std::chrono::milliseconds timeout() const { return timeout_; }
    bool spansProcesses() const { return layout_.has_value(); }
    /// The layout it was made from (across processes only).
    const std::optional<ClusterLayout>& layout() const { return layout_; }

    /// Called by each rank before it joins its process group: says that rank `rank` of
    /// `worldSize` is ready to train what `fingerprint` names, then waits until every rank is.
    /// Throws InputError when another rank trains something else or claims the same rank,
    /// the failure a rank published meanwhile (see failureError), or EnvironmentError naming
    /// the ranks still missing after the timeout.
    void meet(int rank, int worldSize, const QString& fingerprint);

    /// Tells every rank why rank `rank` failed. The first failure published stays: later ones
    /// are usually its echo. Returns once the store has it. Never throws.
    void publishFailure(int rank, FailureKind kind, const QString& message);
    /// The failure a rank published, waiting up to `wait` for one to arrive (a peer's closed
    /// connection may be seen a moment before its message).
    std::optional<RankFailure> failure(std::chrono::milliseconds wait = {});
    /// The exception a published failure stands for, of its kind, naming the rank.
    static std::exception_ptr failureError(const RankFailure& failure);

    /// The master's process shares `value` under `key` with the others.
    void share(const QString& key, const QByteArray& value);
    /// What the master's process shared under `key`, waiting for it up to the timeout. Throws the
    /// failure a rank published meanwhile, or EnvironmentError after the timeout.
    QByteArray fetch(const QString& key);

private:
    friend class ProcessGroup;

    struct Store; // parallel/RendezvousStore.h

    std::chrono::milliseconds timeout_;
    std::optional<ClusterLayout> layout_;
    std::unique_ptr<Store> store_;
};

} // namespace trainlab
