// External-command trials: placeholders, good output (a number or JSON metrics), a failing
// program, a hanging one stopped by its timeout, garbage output and a missing program.
#include "base/Errors.h"
#include "jobs/CommandTrial.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace trainlab;

namespace {

CommandTrialResult shell(const QString& script, double timeoutS = 10) {
    return runCommandTrial({QStringLiteral("/bin/sh"), QStringLiteral("-c"), script}, timeoutS);
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
