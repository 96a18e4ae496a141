#pragma once

#include "sweep/SearchSpace.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <atomic>

namespace trainlab {

/// What one external-command trial gave: its metrics, or why it failed.
struct CommandTrialResult {
    bool ok = false;
    QMap<QString, double> metrics;
    QString error;
    double seconds = 0;
};

/// The argv of a trial: each `{name}` in the template replaced by the point's value (numbers
/// in full precision, strings as they are). Throws InputError naming an unknown placeholder.
QStringList expandCommand(const QStringList& argvTemplate, const SweepPoint& point);

/// Reads a trial's metrics from the last non-empty line of its stdout: a number (metric
/// `value`) or a JSON object of numbers. Returns false and an error naming the line otherwise.
bool parseTrialOutput(const QByteArray& output, QMap<QString, double>& metrics, QString& error);

/// The most of a trial program's stdout (and stderr) kept: its metrics are its last line, and a
/// program that prints its whole training log must not fill this process's memory.
constexpr qsizetype kOutputTailBytes = 64 * 1024;

/// Runs `argv` in a process group of its own and waits for it, at most `timeoutS` seconds (0: no
/// limit), stopping it early when `cancel` becomes true; on a timeout or a cancel the whole group
/// is killed, children included. Only the last kOutputTailBytes of its output are kept. A missing
/// program, a non-zero exit, a timeout or unreadable output is a failed trial with a message;
/// never an exception.
CommandTrialResult runCommandTrial(const QStringList& argv, double timeoutS,
                                   const std::atomic<bool>* cancel = nullptr);

} // namespace trainlab
