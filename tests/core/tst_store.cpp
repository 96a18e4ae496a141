// The SQLite store: migrations, batching, reopen, newer-schema refusal, interrupted marking,
// corrupt files, separate reader connections.
#include "../common/RawSql.h"
#include "../common/TestSupport.h"

#include "store/ProcessToken.h"
#include "store/StoreError.h"
#include "store/StoreWriter.h"
#include "store/sql/Database.h"
#include "store/sql/Migrations.h"
#include "store/sql/RunQueries.h"

#include <QtTest>
#include <sqlite3.h>

using namespace trainlab;
using test::rawExec;

namespace {

qint64 addRun(Database& db, const QString& name) {
    return runs::create(db, NewRun{name, QStringLiteral("{}"), {}, 0, 0}).id;
}

void setOwner(Database& db, qint64 run, const QString& owner) {
    Statement update(db, "UPDATE runs SET status = 'running', owner = ? WHERE id = ?");
    update.bind(1, owner).bind(2, run).run();
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("nested/folder/trainlab.db"));
    }

    void createsAndMigratesToLatest() {
        Database db(path_, Database::Mode::ReadWrite);
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(Database::latestSchemaVersion(), schemaMigrations().back().version);
        Statement mode(db, "PRAGMA journal_mode");
        QVERIFY(mode.step());
        QCOMPARE(mode.text(0), QStringLiteral("wal"));
        for (const char* table : {"experiments", "sweeps", "runs", "metrics", "system_samples",
                                  "checkpoints", "artifacts", "preflight_results"}) {
            Statement exists(db, "SELECT count(*) FROM sqlite_master WHERE name = ?");
            exists.bind(1, QString::fromLatin1(table));
            QVERIFY(exists.step());
            QVERIFY2(exists.int64(0) == 1, table);
        }
    }

    void migratesAnOlderDatabaseKeepingItsData() {
        QDir().mkpath(QFileInfo(path_).absolutePath());
        // A workspace as schema version 1 left it, with one run and one metric.
        rawExec(path_, "CREATE TABLE schema_version(version INTEGER NOT NULL, applied TEXT)");
        rawExec(path_, schemaMigrations().front().sql);
        rawExec(path_, "INSERT INTO schema_version VALUES(1, 'then');"
                       "INSERT INTO runs(id, name, status, spec, created) "
                       "VALUES(7, 'old', 'completed', '{}', 'then');"
                       "INSERT INTO metrics VALUES(7, 10, 1.0, 'val_loss', 0.5, 0);"
                       "INSERT INTO metrics VALUES(7, 20, 2.0, 'val_loss', 0.3, 0);"
                       "INSERT INTO metrics VALUES(7, 30, 3.0, 'val_loss', 0.4, 0)");
        Database db(path_, Database::Mode::ReadWrite);
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        const auto run = runs::find(db, 7);
        QVERIFY(run);
        QCOMPARE(run->name, QStringLiteral("old"));
        QCOMPARE(run->status, RunStatus::Completed);
        QVERIFY(!run->energyJ); // column added by migration 2, empty for old rows
        QCOMPARE(runs::metricSeries(db, 7, QStringLiteral("val_loss")).size(), 3);
        // Migration 7 summarized the rows that were there.
        const RunMetricSummary summary = runs::metricSummary(db, 7);
        QCOMPARE(summary.final.value(QStringLiteral("val_loss")), 0.4);
        QCOMPARE(summary.best.value(QStringLiteral("val_loss")), 0.3);
    }

    void summariesFollowTheMetricRows() {
        // What run_summaries holds equals what the metric rows say, as points arrive out of
        // order, the same step is logged again, and rows are deleted by a resume.
        Database db(path_, Database::Mode::ReadWrite);
        Statement(db, "INSERT INTO runs(id, name, status, spec, created) "
                      "VALUES(3, 'r', 'running', '{}', 'now')")
            .run();
        const auto point = [](qint64 step, const char* name, double value) {
            return MetricPoint{3, step, double(step) / 10, QString::fromLatin1(name), value, 0};
        };
        runs::appendMetrics(db, {point(10, "val_accuracy", 0.5), point(10, "val_loss", 0.9),
                                 point(30, "val_accuracy", 0.7), point(20, "val_accuracy", 0.9),
                                 point(30, "val_loss", 0.6)});
        runs::appendMetrics(db, {point(30, "val_loss", 0.7)}); // logged again: the newer wins
        RunMetricSummary summary = runs::metricSummary(db, 3);
        QCOMPARE(summary.final.value(QStringLiteral("val_accuracy")), 0.7);
        QCOMPARE(summary.best.value(QStringLiteral("val_accuracy")), 0.9);
        QCOMPARE(summary.final.value(QStringLiteral("val_loss")), 0.7);
        QCOMPARE(summary.best.value(QStringLiteral("val_loss")), 0.6);
        Statement(db, "DELETE FROM metrics WHERE run = 3 AND step > 10").run();
        runs::resummarize(db, 3);
        summary = runs::metricSummary(db, 3);
        QCOMPARE(summary.final.value(QStringLiteral("val_accuracy")), 0.5);
        QCOMPARE(summary.best.value(QStringLiteral("val_loss")), 0.9);
        Statement(db, "DELETE FROM runs WHERE id = 3").run();
        Statement left(db, "SELECT count(*) FROM run_summaries");
        QVERIFY(left.step());
        QCOMPARE(left.int64(0), 0); // cascaded with the run
    }

    void refusesNewerSchemaWithoutModifyingIt() {
        { Database db(path_, Database::Mode::ReadWrite); }
        rawExec(path_,
                "PRAGMA journal_mode = DELETE; INSERT INTO schema_version VALUES(99, 'future')");
        const QByteArray before = test::readFile(path_);
        try {
            Database db(path_, Database::Mode::ReadWrite);
            QFAIL("a newer schema must be refused");
        } catch (const StoreError& e) {
            QVERIFY2(e.message().startsWith(path_), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("newer TrainLab")),
                     qPrintable(e.message()));
            QVERIFY(e.message().contains(QStringLiteral("99")));
        }
        QCOMPARE(test::readFile(path_), before);
    }

    void refusesCorruptFileWithoutModifyingIt() {
        QDir().mkpath(QFileInfo(path_).absolutePath());
        const QByteArray garbage(4096, 'x');
        test::writeFile(path_, garbage);
        try {
            Database db(path_, Database::Mode::ReadWrite);
            QFAIL("a non-database file must be refused");
        } catch (const NotAWorkspaceError& e) { // bad input (exit code 2), not an environment fault
            QVERIFY2(e.message().startsWith(path_), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("not a TrainLab database")),
                     qPrintable(e.message()));
        }
        QCOMPARE(test::readFile(path_), garbage);
    }

    void unwritableLocationIsNamed() {
        try {
            Database db(QStringLiteral("/proc/trainlab-test/x.db"), Database::Mode::ReadWrite);
            QFAIL("expected an error");
        } catch (const StoreError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("/proc/trainlab-test/x.db")),
                     qPrintable(e.message()));
        }
    }

    void writerBatchesMetricRowsIntoFewTransactions() {
        qint64 run = 0;
        {
            StoreWriter writer(path_);
            run = writer.createRun({QStringLiteral("batched"), QStringLiteral("{}"), {}, 0, 0}).id;
            const int rows = 5000;
            for (int i = 0; i < rows; ++i)
                writer.appendMetric(
                    {run, i, i / 100.0, QStringLiteral("train_loss"), 1.0 / (i + 1), 0});
            writer.flush();
            // 5000 rows at up to kBatchRows per transaction: a handful of commits, not 5000.
            QVERIFY2(writer.committedBatches() <= 2 * (rows / StoreWriter::kBatchRows + 1),
                     qPrintable(QString::number(writer.committedBatches())));
            QVERIFY(writer.committedBatches() >= 1);
        }
        Database reader(path_, Database::Mode::ReadOnly);
        const auto series = runs::metricSeries(reader, run, QStringLiteral("train_loss"));
        QCOMPARE(series.size(), 5000);
        QCOMPARE(series.last().step, 4999);
    }

    void callsSeeEarlierMetrics() {
        StoreWriter writer(path_);
        const qint64 run =
            writer.createRun({QStringLiteral("order"), QStringLiteral("{}"), {}, 0, 0}).id;
        writer.appendMetric({run, 1, 0, QStringLiteral("val_loss"), 0.25, 0});
        // No flush: the read must still see the row appended before it.
        QCOMPARE(writer.finalMetrics(run).value(QStringLiteral("val_loss")), 0.25);
    }

    void writerPropagatesErrors() {
        StoreWriter writer(path_);
        QVERIFY_THROWS_EXCEPTION(InputError, writer.beginResume(999, QStringLiteral("cpu")));
        QVERIFY(writer.writeFailure().isEmpty()); // bad input is not a failing disk
    }

    void dataSurvivesReopen() {
        qint64 run = 0;
        {
            Database db(path_, Database::Mode::ReadWrite);
            run = addRun(db, QStringLiteral("persisted"));
            runs::appendMetrics(db, {{run, 3, 0.5, QStringLiteral("val_accuracy"), 0.75, 0}});
        }
        Database db(path_, Database::Mode::ReadWrite);
        QCOMPARE(runs::find(db, run)->name, QStringLiteral("persisted"));
        const auto summary = runs::metricSummary(db, run);
        QCOMPARE(summary.final.value(QStringLiteral("val_accuracy")), 0.75);
        QCOMPARE(summary.best.value(QStringLiteral("val_accuracy")), 0.75);
    }

    void marksRunsOfDeadProcessesInterrupted() {
        qint64 dead = 0;
        qint64 alive = 0;
        {
            Database db(path_, Database::Mode::ReadWrite);
            dead = addRun(db, QStringLiteral("orphan"));
            alive = addRun(db, QStringLiteral("ours"));
            // pid 2^22+1 is above Linux's pid_max ceiling: no such process can exist.
            setOwner(db, dead, QSysInfo::machineHostName() + QStringLiteral(":4194305:1"));
            setOwner(db, alive, currentProcessToken());
        }
        Database db(path_, Database::Mode::ReadWrite);
        QCOMPARE(runs::find(db, dead)->status, RunStatus::Interrupted);
        QVERIFY(!runs::find(db, dead)->error.isEmpty());
        QCOMPARE(runs::find(db, alive)->status, RunStatus::Running);
    }

    void bestFollowsMetricDirection() {
        Database db(path_, Database::Mode::ReadWrite);
        const qint64 run = addRun(db, QStringLiteral("best"));
        runs::appendMetrics(db, {{run, 1, 1, QStringLiteral("val_loss"), 0.9, 0},
                                 {run, 2, 2, QStringLiteral("val_loss"), 0.4, 0},
                                 {run, 3, 3, QStringLiteral("val_loss"), 0.6, 0},
                                 {run, 1, 1, QStringLiteral("val_accuracy"), 0.5, 0},
                                 {run, 2, 2, QStringLiteral("val_accuracy"), 0.8, 0},
                                 {run, 3, 3, QStringLiteral("val_accuracy"), 0.7, 0},
                                 {run, 3, 3, QStringLiteral("lr"), 0.1, 0}});
        const auto summary = runs::metricSummary(db, run);
        QCOMPARE(summary.final.value(QStringLiteral("val_loss")), 0.6);
        QCOMPARE(summary.best.value(QStringLiteral("val_loss")), 0.4);
        QCOMPARE(summary.best.value(QStringLiteral("val_accuracy")), 0.8);
        QVERIFY(!summary.best.contains(QStringLiteral("lr")));
    }

    void downsamplingKeepsExtremes() {
        Database db(path_, Database::Mode::ReadWrite);
        const qint64 run = addRun(db, QStringLiteral("long"));
        QVector<MetricPoint> points;
        for (int i = 0; i < 10000; ++i)
            points.append({run, i, 0, QStringLiteral("train_loss"), i == 6789 ? 100.0 : 1.0, 0});
        runs::appendMetrics(db, points);
        const auto reduced = runs::metricSeries(db, run, QStringLiteral("train_loss"), 400);
        QVERIFY(reduced.size() <= 400);
        QVERIFY(std::any_of(reduced.begin(), reduced.end(), [](const MetricPoint& p) {
            return p.value == 100.0 && p.step == 6789;
        }));
        QCOMPARE(reduced.first().step, 0);
        QCOMPARE(reduced.last().step, 9999);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
