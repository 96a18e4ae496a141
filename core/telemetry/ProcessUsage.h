#pragma once

#include <QString>
#include <optional>

namespace trainlab {

/// This process's CPU time and resident memory, read from /proc.
struct ProcessUsage {
    double cpuSeconds = 0; ///< user + system, all threads
    double rssBytes = 0;
};

/// Reads /proc/<self>/stat and statm under `procSelf`; nullopt where /proc is not readable (not
/// Linux, a sandbox) or its format is not understood.
std::optional<ProcessUsage>
readProcessUsage(const QString& procSelf = QStringLiteral("/proc/self"));

} // namespace trainlab
