#pragma once

#include <QString>

namespace trainlab {

/// Identifies this process across the machine's lifetime: "host:pid:starttime". The start time
/// guards against a recycled pid being mistaken for the process that owned a run.
QString currentProcessToken();

/// False only when the token names a process on this host that no longer exists.
/// A token from another host cannot be checked and counts as alive.
bool isProcessAlive(const QString& token);

} // namespace trainlab
