#pragma once

#include <QString>
#include <optional>

namespace trainlab {

/// The most resident memory this process has held (VmHWM of /proc/self/status), in bytes;
/// nullopt where /proc cannot tell.
std::optional<double> peakResidentBytes(const QString& procSelf = QStringLiteral("/proc/self"));

/// The resident memory this process holds now (VmRSS), in bytes; nullopt where /proc cannot
/// tell.
std::optional<double> residentBytes(const QString& procSelf = QStringLiteral("/proc/self"));

/// Starts the peak over from what the process holds now (writes 5 to /proc/self/clear_refs,
/// Linux 4.0 and later), so that the next peakResidentBytes() is the peak of what runs in
/// between. False where that is not allowed: the peak then keeps counting from the start.
bool resetPeakResidentBytes(const QString& procSelf = QStringLiteral("/proc/self"));

/// Hands the C allocator's free memory back to the kernel (glibc's malloc_trim), so that the
/// resident figure counts what is in use: memory freed earlier and kept for reuse would
/// otherwise absorb a later allocation and hide it from the peak. Does nothing elsewhere.
void releaseFreedMemory();

/// The memory the kernel says can be given to new allocations without swapping (MemAvailable
/// of /proc/meminfo), in bytes; nullopt where it cannot tell.
std::optional<double>
availableMemoryBytes(const QString& meminfo = QStringLiteral("/proc/meminfo"));

} // namespace trainlab
