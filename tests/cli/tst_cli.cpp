// trainlab-cli as scripts use it: exit codes, JSON on stdout alone, Ctrl-C mid-run.
#include "../common/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <csignal>

using namespace trainlab;

namespace {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliResult runCli(const QStringList& args, int timeoutMs = 120000) {
    QProcess process;
    process.start(QStringLiteral(TRAINLAB_CLI_PATH), args);
    if (!process.waitForFinished(timeoutMs))
        qWarning("trainlab-cli timed out");
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

QJsonDocument parseJson(const QByteArray& text) {
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), text.constData());
    return doc;
}

// Waits until the process's stderr shows `marker`, then sends it `signal`. False on time-out.
bool signalWhenSeen(QProcess& process, const QByteArray& marker, int signal) {
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains(marker) && timer.elapsed() < 60000) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
    }
    if (!err.contains(marker)) {
        qWarning("never saw '%s' in: %s", marker.constData(), err.constData());
        return false;
    }
    ::kill(pid_t(process.processId()), signal);
    return true;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("cli.db"));
    }

    void validateGoodAndBad() {
        QCOMPARE(runCli({QStringLiteral("validate"), test::quickstartSpec()}).exitCode, 0);
        const QString bad = dir_->filePath(QStringLiteral("bad.json"));
        test::writeFile(bad, R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                                 "model": {"preset": "mlp"}, "training": {"epochs": 0,
                                 "optimizer": {"lr": 0}}})");
        const CliResult result = runCli({QStringLiteral("validate"), bad});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(result.err.contains("training.epochs: must be >= 1 and <= 1000000, got 0"),
                 result.err);
        QVERIFY2(result.err.contains("training.optimizer.lr: must be > 0, got 0"), result.err);
        QVERIFY(result.err.contains(bad.toUtf8()));
    }

    void badUsageExitsTwo() {
        QCOMPARE(runCli({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(
            runCli({QStringLiteral("show"), QStringLiteral("abc"), QStringLiteral("--db"), db_})
                .exitCode,
            2);
        QCOMPARE(runCli({QStringLiteral("runs"), QStringLiteral("--bogus")}).exitCode, 2);
        const CliResult missing = runCli(
            {QStringLiteral("run"), QStringLiteral("/nope.json"), QStringLiteral("--db"), db_});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("/nope.json: no such file"));
    }

    void corruptDatabaseIsNamedAndLeftAlone() {
        test::writeFile(db_, QByteArray(2048, 'z'));
        const CliResult result =
            runCli({QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(db_.toUtf8()), result.err);
        QCOMPARE(test::readFile(db_), QByteArray(2048, 'z'));
    }

    void runThenRunsShowsItCompleted() {
        const CliResult run =
            runCli({QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_,
                    QStringLiteral("--set"), QStringLiteral("training.epochs=25"),
                    QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = parseJson(run.out).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(report.value(QStringLiteral("params"))
                     .toObject()
                     .value(QStringLiteral("training.epochs"))
                     .toInt(),
                 25);
        QVERIFY(report.value(QStringLiteral("final"))
                    .toObject()
                    .value(QStringLiteral("val_accuracy"))
                    .toDouble() >= 0.9);
        QVERIFY(run.err.contains("epoch 25/25")); // progress on stderr

        const CliResult runs =
            runCli({QStringLiteral("runs"), QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(runs.exitCode, 0);
        const QJsonArray list = parseJson(runs.out).array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().toObject(), report);

        const CliResult csv = runCli({QStringLiteral("metrics"),
                                      QString::number(report.value(QStringLiteral("id")).toInt()),
                                      QStringLiteral("--name"), QStringLiteral("val_loss"),
                                      QStringLiteral("--csv"), QStringLiteral("--db"), db_});
        QCOMPARE(csv.exitCode, 0);
        QCOMPARE(csv.out.count('\n'), 26); // header + one row per epoch
    }

    void interruptCancelsAfterCurrentStepAndKeepsMetrics() {
        QProcess process;
        process.start(QStringLiteral(TRAINLAB_CLI_PATH),
                      {QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_,
                       QStringLiteral("--set"), QStringLiteral("training.epochs=100000"),
                       QStringLiteral("--json")});
        QVERIFY(process.waitForStarted());
        QVERIFY(signalWhenSeen(process, "epoch 3/", SIGINT));
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 1);
        const QJsonObject report = parseJson(process.readAllStandardOutput()).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
        QVERIFY(
            report.value(QStringLiteral("final")).toObject().contains(QStringLiteral("val_loss")));
    }

    void dataInspectAndModelSummary() {
        const CliResult inspect = runCli({QStringLiteral("data"), QStringLiteral("inspect"),
                                          test::quickstartSpec(), QStringLiteral("--json")});
        QCOMPARE(inspect.exitCode, 0);
        const QJsonObject info = parseJson(inspect.out).object();
        QCOMPARE(info.value(QStringLiteral("classes")).toArray().size(), 3);
        const QJsonObject counts = info.value(QStringLiteral("counts")).toObject();
        QCOMPARE(counts.value(QStringLiteral("train")).toInt() +
                     counts.value(QStringLiteral("validation")).toInt() +
                     counts.value(QStringLiteral("test")).toInt(),
                 3000);
        QCOMPARE(info.value(QStringLiteral("histogram"))
                     .toObject()
                     .value(QStringLiteral("test"))
                     .toArray()
                     .size(),
                 3);
        QCOMPARE(info.value(QStringLiteral("sample_shape")).toArray().first().toInt(), 2);

        const CliResult summary = runCli({QStringLiteral("model"), QStringLiteral("summary"),
                                          test::quickstartSpec(), QStringLiteral("--json")});
        QCOMPARE(summary.exitCode, 0);
        const QJsonObject model = parseJson(summary.out).object();
        // mlp on 2 features, 3 classes: (2*128+128) + (128*128+128) + (128*3+3)
        QCOMPARE(model.value(QStringLiteral("parameters")).toInt(), 384 + 16512 + 387);
        QCOMPARE(model.value(QStringLiteral("layers")).toArray().size(), 6);

        const CliResult badModel =
            runCli({QStringLiteral("model"), QStringLiteral("summary"), test::quickstartSpec(),
                    QStringLiteral("--set"), QStringLiteral("model.preset=cnn2")});
        QCOMPARE(badModel.exitCode, 2);
        QVERIFY2(badModel.err.contains(
                     "model.layers[0]: conv2d expects [channels, height, width], gets [2]"),
                 badModel.err);
    }

    void resumeContinuesACancelledRun() {
        QProcess process;
        process.start(QStringLiteral(TRAINLAB_CLI_PATH),
                      {QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_,
                       QStringLiteral("--set"), QStringLiteral("training.epochs=150")});
        QVERIFY(process.waitForStarted());
        QVERIFY(signalWhenSeen(process, "epoch 2/", SIGINT));
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 1);
        const CliResult resumed = runCli({QStringLiteral("resume"), QStringLiteral("1"),
                                          QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(resumed.exitCode, 0);
        QVERIFY(resumed.err.contains("resumed at step"));
        const QJsonObject report = parseJson(resumed.out).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(report.value(QStringLiteral("id")).toInt(), 1);
        const CliResult again =
            runCli({QStringLiteral("resume"), QStringLiteral("1"), QStringLiteral("--db"), db_});
        QCOMPARE(again.exitCode, 2);
        QVERIFY(again.err.contains("run 1 is completed"));
    }

    void sweepSurvivesKillAndResumes() {
        const QString spec = dir_->filePath(QStringLiteral("sweep.json"));
        test::writeFile(spec, R"({"trainlab": 1, "name": "slow-quadratic",
            "sweep": {"strategy": "random", "trials": 6, "parallel": 1, "seed": 2,
                      "objective": {"metric": "value", "goal": "minimize"},
                      "space": {"x": {"uniform": [-1, 1]}},
                      "command": ["/bin/sh", "-c", "sleep 0.3; awk 'BEGIN{print {x}^2}'"]}})");
        QProcess process;
        process.start(QStringLiteral(TRAINLAB_CLI_PATH),
                      {QStringLiteral("sweep"), spec, QStringLiteral("--db"), db_});
        QVERIFY(process.waitForStarted());
        QVERIFY(signalWhenSeen(process, "trial 2 ", SIGKILL));
        QVERIFY(process.waitForFinished(10000));

        const CliResult resumed =
            runCli({QStringLiteral("sweep"), QStringLiteral("--resume"), QStringLiteral("1"),
                    QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(resumed.exitCode, 0);
        const QJsonObject report = parseJson(resumed.out).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QJsonArray trials = report.value(QStringLiteral("trials")).toArray();
        QCOMPARE(trials.size(), 6);
        QSet<int> numbers;
        for (const auto& t : trials) {
            numbers.insert(t.toObject().value(QStringLiteral("trial")).toInt());
            QCOMPARE(t.toObject().value(QStringLiteral("status")).toString(),
                     QStringLiteral("completed"));
        }
        QCOMPARE(numbers.size(), 6);
        QVERIFY(report.value(QStringLiteral("best")).toObject().contains(QStringLiteral("params")));

        const CliResult list = runCli(
            {QStringLiteral("sweeps"), QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(parseJson(list.out).array().size(), 1);
        const CliResult show = runCli({QStringLiteral("show-sweep"), QStringLiteral("1"),
                                       QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(parseJson(show.out).object().value(QStringLiteral("trials")).toArray().size(), 6);
        const CliResult again = runCli({QStringLiteral("sweep"), QStringLiteral("--resume"),
                                        QStringLiteral("1"), QStringLiteral("--db"), db_});
        QCOMPARE(again.exitCode, 2);
    }

    void showUnknownRunIsBadInput() {
        runCli({QStringLiteral("runs"), QStringLiteral("--db"), db_});
        const CliResult result =
            runCli({QStringLiteral("show"), QStringLiteral("42"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("no run 42"));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
