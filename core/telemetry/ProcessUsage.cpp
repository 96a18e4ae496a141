#include "telemetry/ProcessUsage.h"

#include <QFile>
#include <QStringList>
#include <unistd.h>

namespace trainlab {

namespace {

QByteArray readSmallFile(const QString& path) {
    QFile file(path);
    // /proc files report size 0: read until the end rather than by size.
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

std::optional<ProcessUsage> readProcessUsage(const QString& procSelf) {
    const QByteArray stat = readSmallFile(procSelf + QStringLiteral("/stat"));
    const QByteArray statm = readSmallFile(procSelf + QStringLiteral("/statm"));
    // The command name (field 2) is in parentheses and may hold spaces: fields count from the
    // last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after it.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0 || statm.isEmpty())
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 2).simplified().split(' ');
    const QList<QByteArray> pages = statm.simplified().split(' ');
    if (fields.size() < 13 || pages.size() < 2)
        return std::nullopt;
    bool okUser = false;
    bool okSystem = false;
    bool okResident = false;
    const double user = fields[11].toDouble(&okUser);
    const double system = fields[12].toDouble(&okSystem);
    const double resident = pages[1].toDouble(&okResident);
    const long ticks = sysconf(_SC_CLK_TCK);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (!okUser || !okSystem || !okResident || ticks <= 0 || pageSize <= 0)
        return std::nullopt;
    return ProcessUsage{(user + system) / double(ticks), resident * double(pageSize)};
}

} // namespace trainlab
