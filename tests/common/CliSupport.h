#pragma once

// trainlab-cli as a separate process, the way scripts use it: run it to its end, read its JSON,
// signal it once its progress shows a marker, and check the one line a failure ends with.
#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QtTest>
#include <csignal>

namespace trainlab::test {

struct CliResult {
    int exitCode = -1;
    bool crashed = false; ///< ended by a signal (an abort, a segfault), not by exit()
    QByteArray out;
    QByteArray err;
};

/// Runs trainlab-cli with `args`; `environment` adds NAME=value variables to this process's.
inline CliResult runCli(const QStringList& args, const QStringList& environment = {},
                        int timeoutMs = 120000) {
    QProcess process;
    if (!environment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& assignment : environment)
            env.insert(assignment.section(QLatin1Char('='), 0, 0),
                       assignment.section(QLatin1Char('='), 1));
        process.setProcessEnvironment(env);
    }
    process.start(QStringLiteral(TRAINLAB_CLI_PATH), args);
    if (!process.waitForFinished(timeoutMs)) {
        qWarning("trainlab-cli timed out");
        process.kill();
        process.waitForFinished();
    }
    return {process.exitCode(), process.exitStatus() == QProcess::CrashExit,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

inline QJsonDocument parseJson(const QByteArray& text) {
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), text.constData());
    return doc;
}

/// Waits until the process's stderr shows `marker`, then sends it `signal`. False on time-out.
/// What was read is appended to `seen` when given.
inline bool signalWhenSeen(QProcess& process, const QByteArray& marker, int signal,
                           QByteArray* seen = nullptr) {
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains(marker) && timer.elapsed() < 60000 &&
           process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
    }
    if (seen)
        *seen += err;
    if (!err.contains(marker)) {
        qWarning("never saw '%s' in: %s", marker.constData(), err.constData());
        return false;
    }
    if (signal != 0)
        ::kill(pid_t(process.processId()), signal);
    return true;
}

/// The lines of a failure's stderr that the CLI itself wrote ("trainlab-cli: ..."), as opposed
/// to progress.
inline QList<QByteArray> cliErrorLines(const QByteArray& err) {
    QList<QByteArray> lines;
    for (const QByteArray& line : err.split('\n'))
        if (line.startsWith("trainlab-cli: "))
            lines << line;
    return lines;
}

} // namespace trainlab::test

/// The exit-code contract's failure shape: exit `code`, no crash, and exactly one line from the
/// CLI on stderr, its last, naming `fault` (a file, a JSON path or a device).
#define TRAINLAB_VERIFY_CLI_FAILURE(result, code, fault)                                           \
    do {                                                                                           \
        const trainlab::test::CliResult& r_ = (result);                                            \
        QVERIFY2(!r_.crashed, r_.err.constData());                                                 \
        QVERIFY2(r_.exitCode == (code),                                                            \
                 qPrintable(QStringLiteral("exit %1, expected %2; stderr: %3")                     \
                                .arg(r_.exitCode)                                                  \
                                .arg(code)                                                         \
                                .arg(QString::fromUtf8(r_.err))));                                 \
        const QList<QByteArray> lines_ = trainlab::test::cliErrorLines(r_.err);                    \
        QVERIFY2(lines_.size() == 1, r_.err.constData());                                          \
        QVERIFY2(r_.err.trimmed().endsWith(lines_.first().trimmed()), r_.err.constData());         \
        QVERIFY2(lines_.first().contains(QString(fault).toUtf8()), r_.err.constData());            \
    } while (false)
