// trainlab-cli as scripts use it: exit codes, JSON on stdout alone, Ctrl-C mid-run. Each class
// of the exit-code contract (README, "The command line") has a case here: 1 failed while
// running, 2 bad usage or input, 3 the environment (the locked and full-disk cases are in
// tst_clienvironment).
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <csignal>
#include <sqlite3.h>

using namespace trainlab;
using test::CliResult;
using test::parseJson;
using test::runCli;
using test::signalWhenSeen;

namespace {

// Overwrites the page that roots table `table` with junk, as a failing disk or a stray write
// would: the file stays an SQLite database whose schema reads, but the table does not.
void corruptTable(const QString& path, const char* table) {
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    const QByteArray sql =
        QByteArray("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
                   "WHERE name = '") +
        table + "'";
    QCOMPARE(sqlite3_prepare_v2(db, sql.constData(), -1, &query, nullptr), SQLITE_OK);
    QCOMPARE(sqlite3_step(query), SQLITE_ROW);
    const qint64 page = sqlite3_column_int64(query, 0);
    const qint64 pageSize = sqlite3_column_int64(query, 1);
    sqlite3_finalize(query);
    // Everything in the main file first, so the junk is not masked by a newer copy in the WAL.
    QCOMPARE(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek((page - 1) * pageSize));
    QCOMPARE(file.write(QByteArray(int(pageSize), char(0xA5))), pageSize);
}

// The first column of the first row of a query, read without TrainLab.
QString rawValue(const QString& path, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* query = nullptr;
    QString value;
    if (sqlite3_prepare_v2(db, sql, -1, &query, nullptr) == SQLITE_OK &&
        sqlite3_step(query) == SQLITE_ROW)
        value = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(query, 0)));
    sqlite3_finalize(query);
    sqlite3_close(db);
    return value;
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
        TRAINLAB_VERIFY_CLI_FAILURE(missing, 2, "/nope.json: no such file");
        const CliResult moreWithoutSweep = runCli(
            {QStringLiteral("sweep"), test::quickstartSpec(), QStringLiteral("--more-trials"),
             QStringLiteral("3"), QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_CLI_FAILURE(moreWithoutSweep, 2, "--more-trials extends a stored sweep");
        const CliResult noSuchSweep = runCli({QStringLiteral("sweep"), QStringLiteral("--resume"),
                                              QStringLiteral("7"), QStringLiteral("--more-trials"),
                                              QStringLiteral("3"), QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_CLI_FAILURE(noSuchSweep, 2, "no sweep 7");
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
        // The list is the show document without the test evaluation (not read for every run).
        QVERIFY(report.contains(QStringLiteral("evaluation")));
        QJsonObject listed = report;
        listed.remove(QStringLiteral("evaluation"));
        QCOMPARE(list.first().toObject(), listed);

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

    void failureWhileRunningExitsOne() {
        const CliResult diverged =
            runCli({QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_,
                    QStringLiteral("--set"), QStringLiteral("training.optimizer.lr=1e30"),
                    QStringLiteral("--set"), QStringLiteral("training.optimizer.type=sgd"),
                    QStringLiteral("--set"), QStringLiteral("training.schedule.warmup_steps=0")});
        TRAINLAB_VERIFY_CLI_FAILURE(diverged, 1, "training.optimizer.lr");
        QVERIFY(diverged.err.contains("training diverged"));
    }

    void sweepWhoseEveryTrialFailsExitsOne() {
        const QString spec = dir_->filePath(QStringLiteral("failing.json"));
        test::writeFile(spec, R"({"trainlab": 1, "name": "always-fails",
            "sweep": {"strategy": "random", "trials": 3, "parallel": 1, "seed": 1,
                      "objective": {"metric": "value", "goal": "minimize"},
                      "space": {"x": {"uniform": [0, 1]}},
                      "command": ["/bin/sh", "-c", "echo 'no GPU here' >&2; exit 4"]}})");
        const CliResult result = runCli(
            {QStringLiteral("sweep"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")});
        TRAINLAB_VERIFY_CLI_FAILURE(result, 1, "/bin/sh exited with code 4: no GPU here");
        const QJsonObject report = parseJson(result.out).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(report.value(QStringLiteral("trials")).toArray().size(), 3);
    }

    void badInputExitsTwoNamingWhatIsAtFault_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fault");
        const QString spec = test::quickstartSpec();
        const auto run = [&](const QString& set) {
            return QStringList{QStringLiteral("run"), spec, QStringLiteral("--set"), set};
        };
        QTest::newRow("usage") << QStringList{QStringLiteral("run")} << QStringLiteral("spec file");
        QTest::newRow("spec") << run(QStringLiteral("training.bogus=1"))
                              << QStringLiteral("training.bogus: unknown key");
        QTest::newRow("data file") << QStringList{QStringLiteral("run"), QStringLiteral("CSV")}
                                   << QStringLiteral("/nonexistent/table.csv");
        QTest::newRow("absent device")
            << QStringList{QStringLiteral("run"), spec, QStringLiteral("--devices"),
                           QStringLiteral("cuda:7")}
            << QStringLiteral("devices: cuda:7 is not available");
        QTest::newRow("model does not fit the data")
            << run(QStringLiteral("model.preset=cnn2")) << QStringLiteral("model.layers[0]");
        QTest::newRow("mse on a classification target")
            << run(QStringLiteral("training.loss.type=mse"))
            << QStringLiteral("training.loss.type: mse needs numeric targets");
        QTest::newRow("fp16 on the CPU") << run(QStringLiteral("training.precision=fp16"))
                                         << QStringLiteral("training.precision");
        QTest::newRow("sweep spec")
            << QStringList{QStringLiteral("sweep"), spec} << QStringLiteral("sweep");
        QTest::newRow("unknown run") << QStringList{QStringLiteral("resume"), QStringLiteral("42")}
                                     << QStringLiteral("no run 42");
        QTest::newRow("unknown sweep")
            << QStringList{QStringLiteral("show-sweep"), QStringLiteral("9")}
            << QStringLiteral("no sweep 9");
        QTest::newRow("data inspect")
            << QStringList{QStringLiteral("data"), QStringLiteral("inspect"), QStringLiteral("CSV")}
            << QStringLiteral("/nonexistent/table.csv");
    }

    void badInputExitsTwoNamingWhatIsAtFault() {
        QFETCH(QStringList, args);
        QFETCH(QString, fault);
        const QString csvSpec = dir_->filePath(QStringLiteral("csv.json"));
        test::writeFile(csvSpec, R"({"trainlab": 1, "dataset": {"source": "csv",
            "path": "/nonexistent/table.csv", "csv": {"label": "y"}}, "model": {"preset": "mlp"}})");
        args.replaceInStrings(QStringLiteral("CSV"), csvSpec);
        const CliResult result = runCli(args + QStringList{QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_CLI_FAILURE(result, 2, fault);
    }

    void corruptPagesExitThreeForEveryVerbAndASweepNeverSucceeds() {
        QCOMPARE(runCli({QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db_,
                         QStringLiteral("--set"), QStringLiteral("training.epochs=2")})
                     .exitCode,
                 0);
        corruptTable(db_, "metrics");
        corruptTable(db_, "run_summaries"); // what `runs` and `show` read of the metrics
        const QString sweep = dir_->filePath(QStringLiteral("sweep.json"));
        test::writeFile(sweep, R"({"trainlab": 1, "name": "on-a-corrupt-workspace",
            "sweep": {"strategy": "random", "trials": 2, "parallel": 1, "seed": 1,
                      "objective": {"metric": "value", "goal": "minimize"},
                      "space": {"x": {"uniform": [0, 1]}},
                      "command": ["/bin/sh", "-c", "echo {x}"]}})");
        const QStringList verbs[] = {
            {QStringLiteral("runs")},
            {QStringLiteral("show"), QStringLiteral("1")},
            {QStringLiteral("metrics"), QStringLiteral("1")},
            {QStringLiteral("run"), test::quickstartSpec()},
            {QStringLiteral("sweep"), sweep},
        };
        for (const QStringList& verb : verbs) {
            const CliResult result = runCli(verb + QStringList{QStringLiteral("--db"), db_});
            TRAINLAB_VERIFY_CLI_FAILURE(result, 3, db_);
            QVERIFY2(result.err.contains("corrupt"), result.err.constData());
        }
        // Whatever could be stored, nothing that lost its metric rows reads `completed`.
        QCOMPARE(rawValue(db_, "SELECT count(*) FROM runs WHERE id > 1 AND status = 'completed'"),
                 QStringLiteral("0"));
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
