#include "store/ProcessToken.h"

#include <QFile>
#include <QStringList>
#include <QSysInfo>

#include <unistd.h>

namespace trainlab {

namespace {

// Field 22 of /proc/PID/stat: start time in clock ticks after boot. The command name (field 2)
// may contain spaces and parentheses, so parse after the last ')'.
QString processStartTime(qint64 pid) {
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After ")", fields start at field 3 (state); field 22 is index 19.
    return fields.size() > 19 ? QString::fromLatin1(fields[19]) : QString();
}

// A killed process whose parent has not reaped it yet still has /proc/PID/stat, in state Z.
bool isZombie(qint64 pid) {
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return true;
    const QByteArray stat = file.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    return close < 0 || close + 2 >= stat.size() || stat[close + 2] == 'Z' ||
           stat[close + 2] == 'X';
}

} // namespace

QString currentProcessToken() {
    const qint64 pid = ::getpid();
    return QStringLiteral("%1:%2:%3")
        .arg(QSysInfo::machineHostName())
        .arg(pid)
        .arg(processStartTime(pid));
}

bool isProcessAlive(const QString& token) {
    const QStringList parts = token.split(QLatin1Char(':'));
    if (parts.size() != 3)
        return false;
    if (parts[0] != QSysInfo::machineHostName())
        return true;
    bool ok = false;
    const qint64 pid = parts[1].toLongLong(&ok);
    if (!ok || pid <= 0)
        return false;
    const QString start = processStartTime(pid);
    return !start.isEmpty() && start == parts[2] && !isZombie(pid);
}

} // namespace trainlab
