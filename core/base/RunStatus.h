#pragma once

#include <QString>

namespace trainlab {

/// The states of a run (and of a sweep, which is never `pruned`). Inside the program they are
/// these values; they become text only at the store and JSON boundary, through the two
/// functions below.
enum class RunStatus {
    Invalid,
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    Pruned,
    Interrupted
};

QString runStatusName(RunStatus status);
RunStatus runStatusFromName(const QString& name);
/// True for the states a run ends in.
bool isFinalStatus(RunStatus status);

} // namespace trainlab
