// External-command trials: placeholders, good output (a number or JSON metrics), a failing
// program, a hanging one stopped by its timeout, garbage output and a missing program; a
// program printing far more than the kept tail, and programs whose children must not outlive
// a timeout or a cancel.
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "jobs/CommandTrial.h"
#include "jobs/TrialProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>
#include <csignal>
#include <thread>

using namespace trainlab;

namespace {

CommandTrialResult shell(const QString& script, double timeoutS = 10,
                         const std::atomic<bool>* cancel = nullptr) {
    return runCommandTrial({QStringLiteral("/bin/sh"), QStringLiteral("-c"), script}, timeoutS,
                           cancel);
}

// This process's peak resident memory in KiB since the last resetPeakMemory().
qint64 peakMemoryKiB() {
    const QString status = QString::fromLatin1(test::readFile(QStringLiteral("/proc/self/status")));
    const auto match = QRegularExpression(QStringLiteral("VmHWM:\\s+(\\d+) kB")).match(status);
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

void resetPeakMemory() {
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5"); // resets VmHWM to the current resident size (Linux >= 4.0)
}

// A process that has ended: gone, or a zombie waiting for a reaper that is not us (a
// container's init may never reap it).
bool processEnded(qint64 pid) {
    const QByteArray stat = test::readFile(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.isEmpty())
        return true;
    const qsizetype close = stat.lastIndexOf(')');
    return close > 0 && stat.size() > close + 2 && stat.at(close + 2) == 'Z';
}

// The pids a script wrote to `path`, once it is there.
QList<qint64> waitForPidFile(const QString& path) {
    QList<qint64> pids;
    QElapsedTimer timer;
    timer.start();
    while (pids.isEmpty() && timer.elapsed() < 30000) {
        for (const QByteArray& line : test::readFile(path).split('\n'))
            if (line.trimmed().toLongLong() > 0)
                pids << line.trimmed().toLongLong();
        if (pids.isEmpty())
            QThread::msleep(20);
    }
    return pids;
}

// A shell that starts two children of its own, writes their pids to `pidFile` (whole, by a
// rename) and waits for them: the program the trial started is their parent, not them.
QString spawnsGrandchildren(const QString& pidFile) {
    return QStringLiteral("sleep 300 & echo $! > '%1.tmp'; sleep 300 & echo $! >> '%1.tmp'; "
                          "mv '%1.tmp' '%1'; wait")
        .arg(pidFile);
}

bool allEnded(const QList<qint64>& pids) {
    for (qint64 pid : pids)
        if (!processEnded(pid))
            return false;
    return true;
}

} // namespace

class TestCommandTrial : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void placeholdersTakeThePointsValues() {
        const SweepPoint point{{QStringLiteral("lr"), 0.001},
                               {QStringLiteral("layers"), 3},
                               {QStringLiteral("act"), QStringLiteral("relu")}};
        QCOMPARE(expandCommand({QStringLiteral("train.py"), QStringLiteral("--lr={lr}"),
                                QStringLiteral("--n={layers}/{act}")},
                               point),
                 (QStringList{QStringLiteral("train.py"), QStringLiteral("--lr=0.001"),
                              QStringLiteral("--n=3/relu")}));
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 expandCommand({QStringLiteral("--x={missing}")}, point));
    }

    void goodOutputs() {
        CommandTrialResult r = shell(QStringLiteral("echo starting; echo 0.25"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.metrics.value(QStringLiteral("value")), 0.25);
        r = shell(QStringLiteral("echo '{\"val_accuracy\": 0.9, \"cost\": 3}'"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.metrics.value(QStringLiteral("val_accuracy")), 0.9);
        QCOMPARE(r.metrics.value(QStringLiteral("cost")), 3.0);
    }

    void failingProgram() {
        const CommandTrialResult r = shell(QStringLiteral("echo 'out of memory' >&2; exit 3"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("/bin/sh exited with code 3: out of memory"));
    }

    void hangingProgramIsStopped() {
        QElapsedTimer timer;
        timer.start();
        const CommandTrialResult r = shell(QStringLiteral("sleep 30; echo 1"), 0.5);
        QVERIFY(!r.ok);
        QVERIFY(r.error.contains(QStringLiteral("timed out after 0.5 s")));
        QVERIFY(timer.elapsed() < 5000);
    }

    void cancelStopsTheProgram() {
        std::atomic<bool> cancel{true};
        const CommandTrialResult r =
            runCommandTrial({QStringLiteral("/bin/sleep"), QStringLiteral("30")}, 0, &cancel);
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("cancelled"));
    }

    void garbageOutput() {
        CommandTrialResult r = shell(QStringLiteral("echo 'loss is low'"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("the last line of output is not a number or a JSON object "
                                         "of metrics: 'loss is low'"));
        r = shell(QStringLiteral("echo '{\"value\": \"high\"}'"));
        QVERIFY(!r.ok);
        QVERIFY(r.error.startsWith(
            QStringLiteral("the metric 'value' in the last line is not a number")));
        r = shell(QStringLiteral("true"));
        QVERIFY(!r.ok);
        QVERIFY(r.error.startsWith(QStringLiteral("the program printed nothing")));
    }

    void outputTailKeepsTheLastBytesInOrder() {
        OutputTail tail(8);
        tail.append("abc", 3);
        QCOMPARE(tail.bytes(), QByteArray("abc"));
        tail.append("defgh", 5);
        QCOMPARE(tail.bytes(), QByteArray("abcdefgh"));
        QVERIFY(!tail.truncated());
        tail.append("ij", 2); // wraps
        QCOMPARE(tail.bytes(), QByteArray("cdefghij"));
        QVERIFY(tail.truncated());
        tail.append("0123456789abc", 13); // longer than the tail
        QCOMPARE(tail.bytes(), QByteArray("56789abc"));
    }

    void hugeOutputKeepsOnlyItsTail() {
        // 120 MB of log lines, then the metrics line: the memory used must not grow with it.
        resetPeakMemory();
        const qint64 before = peakMemoryKiB();
        QVERIFY(before > 0);
        const CommandTrialResult r =
            shell(QStringLiteral("yes 'epoch 1 loss 0.123456789 accuracy 0.5' | head -c "
                                 "120000000; echo; echo '{\"val_loss\": 0.25}'"),
                  120);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.metrics.value(QStringLiteral("val_loss")), 0.25);
        const qint64 grownKiB = peakMemoryKiB() - before;
        QVERIFY2(grownKiB < 16 * 1024,
                 qPrintable(QStringLiteral("peak grew by %1 KiB").arg(grownKiB)));
    }

    void timeoutKillsTheProgramsChildrenToo() {
        QTemporaryDir dir;
        const QString pidFile = dir.filePath(QStringLiteral("children.pid"));
        // Long enough for the shell to have started both children before it is stopped.
        const CommandTrialResult r = shell(spawnsGrandchildren(pidFile), 3);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("timed out")), qPrintable(r.error));
        const QList<qint64> children = waitForPidFile(pidFile);
        QCOMPARE(children.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(allEnded(children), 10000);
    }

    void cancelKillsTheProgramsChildrenToo() {
        QTemporaryDir dir;
        const QString pidFile = dir.filePath(QStringLiteral("children.pid"));
        std::atomic<bool> cancel{false};
        QList<qint64> children;
        std::thread canceller([&] {
            children = waitForPidFile(pidFile);
            cancel.store(true);
        });
        const CommandTrialResult r = shell(spawnsGrandchildren(pidFile), 0, &cancel);
        canceller.join();
        QCOMPARE(r.error, QStringLiteral("cancelled"));
        QCOMPARE(children.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(allEnded(children), 10000);
    }

    void childrenReapedElsewhereDoNotHang() {
        // A host that ignores SIGCHLD has its children reaped by the kernel: the trial must
        // still see its program end (with no status to judge it by) rather than wait forever.
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        struct sigaction previous {};
        sigaction(SIGCHLD, &ignore, &previous);
        const CommandTrialResult r = shell(QStringLiteral("echo 0.5"), 20);
        sigaction(SIGCHLD, &previous, nullptr);
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("/bin/sh ended without an exit status"));
    }

    void missingProgram() {
        const CommandTrialResult r =
            runCommandTrial({QStringLiteral("/nonexistent/train-model")}, 5);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.startsWith(QStringLiteral("cannot start /nonexistent/train-model")),
                 qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestCommandTrial)
#include "tst_commandtrial.moc"
