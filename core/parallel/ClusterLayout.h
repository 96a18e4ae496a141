#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <chrono>
#include <optional>

namespace trainlab {

/// The ranks one process trains: global ranks [first, first + count) of `worldSize`.
struct RankRange {
    int first = 0;
    int count = 1;
    int worldSize = 1;

    bool holdsRankZero() const { return first == 0; }
    bool contains(int rank) const { return rank >= first && rank < first + count; }
};

/// How the processes of one run meet when its ranks live in more than one process (on one host
/// or several): the master's address, which listens, and which ranks each process trains. It
/// comes from `trainlab-cli run --nnodes N --node-rank K --master ADDR:PORT` (every node runs
/// one rank per device its spec lists) or from torchrun's variables (one rank per process).
struct ClusterLayout {
    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

    QString masterHost;
    quint16 masterPort = 0;
    /// How long a process waits for the others to join, and for any collective.
    std::chrono::milliseconds timeout = kDefaultTimeout;

    /// --nnodes form: node `nodeRank` of `nodes`. 0 nodes: the torchrun form below.
    int nodes = 0;
    int nodeRank = 0;

    /// torchrun form: this process is rank `rank` of `worldSize`, the `localRank`-th of the
    /// `localWorldSize` processes on its node.
    int rank = 0;
    int worldSize = 0;
    int localRank = 0;
    int localWorldSize = 1;

    bool fromTorchrun() const { return nodes == 0; }
    /// This process holds rank 0: it listens for the others and writes the run to its database.
    bool isMaster() const { return fromTorchrun() ? rank == 0 : nodeRank == 0; }
    /// The ranks this process trains when its spec lists `devices` devices. Throws InputError
    /// when torchrun's processes cannot be matched to them (naming `devices`).
    RankRange ranks(int devices) const;
    /// Which of the spec's `devices` this process trains on, in the torchrun form: its own
    /// (LOCAL_RANK) when the spec lists one per process, else the one listed.
    int deviceIndex(int devices) const;
    /// "node 1 of 2, master 10.0.0.5:29500" or "rank 3 of 4 (torchrun), master ...".
    QString describe() const;
};

/// The layout `--nnodes N --node-rank K --master ADDR:PORT` ask for, as typed. Empty values
/// are absent flags. Returns nothing for one node (an ordinary run). Throws InputError naming
/// the flag at fault: a value that is not a number, a port outside 1-65535, a node rank not
/// below N, a missing --master.
std::optional<ClusterLayout> clusterFromOptions(const QString& nodes, const QString& nodeRank,
                                                const QString& master,
                                                const QProcessEnvironment& environment);

/// The layout torchrun's variables (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK,
/// LOCAL_WORLD_SIZE) describe, when RANK or WORLD_SIZE is set and the world has more than one
/// rank; else nothing. Throws InputError naming the variable that is missing or wrong.
std::optional<ClusterLayout> clusterFromEnvironment(const QProcessEnvironment& environment);

} // namespace trainlab
