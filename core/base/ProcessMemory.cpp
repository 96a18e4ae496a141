#include "base/ProcessMemory.h"

#include <QFile>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace trainlab {

namespace {

/// The value of a "Name:   1234 kB" line of a /proc file, in bytes.
std::optional<double> kilobyteField(const QString& path, const QByteArray& name) {
    QFile file(path);
    // /proc files report size 0: read until the end rather than by size.
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray text = file.readAll();
    const QByteArray key = QByteArray(name).append(':');
    for (const QByteArray& line : text.split('\n')) {
        if (!line.startsWith(key))
            continue;
        const QList<QByteArray> words = line.mid(name.size() + 1).simplified().split(' ');
        bool ok = false;
        const double kilobytes = words.value(0).toDouble(&ok);
        if (!ok || words.value(1) != "kB")
            return std::nullopt;
        return kilobytes * 1024;
    }
    return std::nullopt;
}

} // namespace

std::optional<double> peakResidentBytes(const QString& procSelf) {
    return kilobyteField(procSelf + QStringLiteral("/status"), "VmHWM");
}

std::optional<double> residentBytes(const QString& procSelf) {
    return kilobyteField(procSelf + QStringLiteral("/status"), "VmRSS");
}

bool resetPeakResidentBytes(const QString& procSelf) {
    QFile file(procSelf + QStringLiteral("/clear_refs"));
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

void releaseFreedMemory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

std::optional<double> availableMemoryBytes(const QString& meminfo) {
    return kilobyteField(meminfo, "MemAvailable");
}

} // namespace trainlab
