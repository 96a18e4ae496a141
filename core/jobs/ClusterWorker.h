#pragma once

#include "base/Errors.h"
#include "base/RunControl.h"
#include "base/RunStatus.h"
#include "parallel/ClusterLayout.h"

#include <QString>
#include <functional>

namespace trainlab {

/// What a process without rank 0 was asked to join, as its command line said.
struct ClusterWorkerRequest {
    ClusterLayout layout;
    /// `run SPEC`: the hash of the spec this node was given; it must be the one rank 0 runs.
    QString specHash;
    /// `resume RUN`: the run this node was asked to continue; it must be the one rank 0 runs.
    qint64 runId = 0;
};

struct ClusterWorkerResult {
    RunStatus status = RunStatus::Invalid;
    FailureKind failure = FailureKind::None;
    QString error;
    qint64 runId = 0; ///< the run in rank 0's workspace (0: never learned)
};

/// Trains this process's ranks of a run whose rank 0 lives in another process (the master),
/// which stores the run: this process writes nothing, and needs only the dataset's files where
/// the spec names them. The spec, the run and the checkpoint a resume starts from come from the
/// master through the rendezvous. Never throws: a failure here is told to every rank (so the
/// run's row says why it failed) and comes back in the result.
ClusterWorkerResult runClusterWorker(const ClusterWorkerRequest& request, RunControl& control,
                                     const std::function<void(const QString&)>& message);

} // namespace trainlab
