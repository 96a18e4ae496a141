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
    Paused, ///< held between steps at a checkpoint; resumable, also by a later process
    Completed,
    Failed,
    Cancelled,
    Pruned,
    Interrupted
};

QString runStatusName(RunStatus status);
RunStatus runStatusFromName(const QString& name);
/// True for the states a run ends in (paused is not one: it continues).
bool isFinalStatus(RunStatus status);

} // namespace trainlab
