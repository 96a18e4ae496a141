// Tags, notes and deleting runs for good (issue 12): what is removed (rows and checkpoint
// files), what stays (other runs, files other runs refer to), and what is refused (a run that
// trains now, here or in another live process; a trial of a sweep that is going on).
#include "../common/RawSql.h"
#include "../common/RunSeeding.h"
#include "../common/TestSupport.h"

#include "store/ProcessToken.h"
#include "store/StoreError.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "store/sql/Database.h"
#include "store/sql/Migrations.h"

#include <QProcess>
#include <QSysInfo>
#include <QtTest>

using namespace trainlab;
using test::rawColumn;
using test::rawExec;
using test::SeededRun;
using test::seedRun;

namespace {

/// The process token of another process (see ProcessToken.cpp): host, pid, start time.
QString tokenOf(qint64 pid) {
    const QByteArray stat = test::readFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return QStringLiteral("%1:%2:%3")
        .arg(QSysInfo::machineHostName())
        .arg(pid)
        .arg(QString::fromLatin1(fields.value(19)));
}

qint64 count(const QString& path, const QString& sql) {
    return rawColumn(path, sql).value(0).toLongLong();
}

/// A run with a row in every table a run has, and checkpoint files in its own folder.
qint64 fullRun(StoreWriter& store, const QString& name) {
    SeededRun run;
    run.name = name;
    run.metrics = {{QStringLiteral("val_loss"), 0.5}, {QStringLiteral("val_accuracy"), 0.8}};
    const qint64 id = seedRun(store, run);
    const QString folder = store.findRun(id)->checkpointDir;
    QDir().mkpath(folder);
    for (const char* file : {"last.pt", "best.pt"}) {
        test::writeFile(folder + QLatin1Char('/') + QLatin1String(file), "weights");
        store.recordCheckpoint({id, 3, 0.3, folder + QLatin1Char('/') + QLatin1String(file),
                                QByteArray(file) == "best.pt", QStringLiteral("val_loss"), 0.4});
    }
    SystemSample sample;
    sample.run = id;
    sample.device = QStringLiteral("cpu");
    sample.time = 1.0;
    store.appendSystemSamples({sample});
    store.storeArtifact(id, QStringLiteral("model_summary"), {{QStringLiteral("params"), 10}});
    store.tagRuns({id}, {QStringLiteral("keep")});
    store.setRunNote({id}, QStringLiteral("a note"));
    return id;
}

} // namespace

class TestRunEdits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("edits.db"));
    }

    void migratesAWorkspaceOfSchema8() {
        // A workspace as migration 8 left it: the runs table grows tags and notes.
        rawExec(path_, "CREATE TABLE schema_version(version INTEGER NOT NULL, applied TEXT)");
        for (const Migration& migration : schemaMigrations())
            if (migration.version <= 8)
                rawExec(path_, migration.sql);
        rawExec(path_, "INSERT INTO schema_version VALUES(8, 'then');"
                       "INSERT INTO runs(id, name, status, spec, created) "
                       "VALUES(4, 'old', 'completed', '{}', 'then')");
        StoreWriter store(path_);
        // Migrated through 9 (tags and notes) to the newest.
        QVERIFY(Database::latestSchemaVersion() >= 9);
        QCOMPARE(Database(path_, Database::Mode::ReadOnly).schemaVersion(),
                 Database::latestSchemaVersion());
        QVERIFY(store.findRun(4)->tags.isEmpty());
        store.tagRuns({4}, {QStringLiteral("legacy")});
        QCOMPARE(store.findRun(4)->tags, QStringList{QStringLiteral("legacy")});
    }

    void tagsAndNotes() {
        StoreWriter store(path_);
        const qint64 a = seedRun(store, test::named(QStringLiteral("a")));
        const qint64 b = seedRun(store, test::named(QStringLiteral("b")));
        WorkspaceReader reader(path_);
        const QString before = reader.runsSignature();
        store.tagRuns({a, b},
                      {QStringLiteral(" good "), QStringLiteral("lr"), QStringLiteral("good")});
        QVERIFY2(reader.runsSignature() != before, "a window must notice a tag");
        QCOMPARE(reader.run(a)->tags, (QStringList{QStringLiteral("good"), QStringLiteral("lr")}));
        store.tagRuns({a}, {QStringLiteral("good")}); // already there: kept once
        store.untagRuns({b}, {QStringLiteral("lr"), QStringLiteral("absent")});
        QCOMPARE(reader.run(b)->tags, QStringList{QStringLiteral("good")});

        store.setRunNote({a}, QStringLiteral("diverged at\nepoch 3"));
        QCOMPARE(reader.run(a)->note, QStringLiteral("diverged at\nepoch 3"));
        const QJsonObject report = reader.runReport(*reader.run(a));
        QCOMPARE(report.value(QStringLiteral("note")).toString(),
                 QStringLiteral("diverged at\nepoch 3"));
        QCOMPARE(report.value(QStringLiteral("tags")).toArray().size(), 2);
        store.setRunNote({a}, QStringLiteral("  "));
        QVERIFY(reader.run(a)->note.isEmpty());
        QVERIFY(reader.runReport(*reader.run(a)).value(QStringLiteral("note")).isNull());
    }

    void badTagsAndMissingRunsChangeNothing() {
        StoreWriter store(path_);
        const qint64 a = seedRun(store, test::named(QStringLiteral("a")));
        for (const QString& bad :
             {QStringLiteral(""), QStringLiteral("a,b"), QString(65, QLatin1Char('x'))}) {
            try {
                store.tagRuns({a}, {QStringLiteral("fine"), bad});
                QFAIL(qPrintable(QStringLiteral("tag '%1' must be refused").arg(bad)));
            } catch (const InputError& e) {
                QVERIFY2(e.message().startsWith(QStringLiteral("tag \"")), qPrintable(e.message()));
            }
        }
        try {
            store.tagRuns({a, 99}, {QStringLiteral("fine")});
            QFAIL("a missing run must be refused");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("no run 99")), qPrintable(e.message()));
        }
        QVERIFY(store.findRun(a)->tags.isEmpty()); // all or nothing
        QVERIFY_THROWS_EXCEPTION(InputError, store.setRunNote({99}, QStringLiteral("x")));
        QVERIFY(store.writeFailure().isEmpty());
    }

    void deleteRemovesEveryRowAndTheCheckpointFiles() {
        StoreWriter store(path_);
        const qint64 doomed = fullRun(store, QStringLiteral("doomed"));
        const qint64 kept = fullRun(store, QStringLiteral("kept"));
        const QString doomedFolder = store.findRun(doomed)->checkpointDir;
        const QString keptFolder = store.findRun(kept)->checkpointDir;
        QVERIFY(QFileInfo::exists(doomedFolder + QStringLiteral("/best.pt")));

        const RunDeletion deletion = store.deleteRuns({doomed});
        QCOMPARE(deletion.runs.size(), 1);
        const DeletedRun& gone = deletion.runs.first();
        QCOMPARE(gone.id, doomed);
        QCOMPARE(gone.name, QStringLiteral("doomed"));
        QCOMPARE(gone.metricRows, 6);
        QCOMPARE(gone.systemSamples, 1);
        QCOMPARE(gone.artifacts, 1);
        QCOMPARE(gone.checkpoints, 2);
        QCOMPARE(gone.filesRemoved, 3); // two files and their folder
        QVERIFY(deletion.leftovers.isEmpty());
        QVERIFY(!QFileInfo::exists(doomedFolder));

        for (const char* table : {"metrics", "run_summaries", "system_samples", "artifacts",
                                  "checkpoints", "run_tags", "run_notes"}) {
            const QString where =
                QStringLiteral("SELECT count(*) FROM %1 WHERE run = ").arg(QLatin1String(table));
            QVERIFY2(count(path_, where + QString::number(doomed)) == 0, table);
            QVERIFY2(count(path_, where + QString::number(kept)) > 0, table); // untouched
        }
        QCOMPARE(count(path_, QStringLiteral("SELECT count(*) FROM runs")), 1);
        QCOMPARE(count(path_, QStringLiteral("SELECT count(*) FROM experiments")), 1);
        QVERIFY(QFileInfo::exists(keptFolder + QStringLiteral("/best.pt")));
        QVERIFY(!store.findRun(doomed));
        QVERIFY_THROWS_EXCEPTION(InputError, store.deleteRuns({doomed}));
    }

    void sharedCheckpointFilesStay() {
        // Runs from before workspaces had their own folder could record files elsewhere; one
        // that another run still records is not removed with the first.
        StoreWriter store(path_);
        const qint64 a = seedRun(store, test::named(QStringLiteral("a")));
        const qint64 b = seedRun(store, test::named(QStringLiteral("b")));
        const QString shared = dir_->filePath(QStringLiteral("legacy/shared.pt"));
        const QString own = dir_->filePath(QStringLiteral("legacy/a-only.pt"));
        QDir().mkpath(dir_->filePath(QStringLiteral("legacy")));
        test::writeFile(shared, "x");
        test::writeFile(own, "x");
        store.recordCheckpoint({a, 1, 1, own, false, {}, 0});
        store.recordCheckpoint({a, 1, 1, shared, true, QStringLiteral("val_loss"), 1});
        store.recordCheckpoint({b, 1, 1, shared, false, {}, 0});
        store.deleteRuns({a});
        QVERIFY(!QFileInfo::exists(own));
        QVERIFY(QFileInfo::exists(shared));
    }

    void aRunTrainingInThisProcessIsRefused() {
        StoreWriter store(path_);
        const qint64 live = seedRun(store, test::named(QStringLiteral("live"), RunStatus::Running));
        const qint64 done = seedRun(store, test::named(QStringLiteral("done")));
        try {
            store.deleteRuns({done, live});
            QFAIL("a running run must not be deleted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("run %1 (live) is running in this "
                                                         "process")
                                              .arg(live)),
                     qPrintable(e.message()));
        }
        QVERIFY(store.findRun(done)); // all or nothing
        QVERIFY(store.findRun(live));
    }

    void aRunTrainingInAnotherProcessIsRefusedUntilItEnds() {
        StoreWriter store(path_);
        const qint64 run = seedRun(store, test::named(QStringLiteral("elsewhere")));
        QProcess other;
        other.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(other.waitForStarted());
        const QString token = tokenOf(other.processId());
        QVERIFY(isProcessAlive(token));
        rawExec(path_,
                QStringLiteral("UPDATE runs SET status = 'running', owner = '%1' WHERE id = %2")
                    .arg(token)
                    .arg(run)
                    .toUtf8()
                    .constData());
        try {
            store.deleteRuns({run});
            QFAIL("a run another live process trains must not be deleted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("in another process (%1)").arg(token)),
                     qPrintable(e.message()));
        }
        other.kill();
        other.waitForFinished();
        // Its process is gone: the run is no longer training, and goes.
        QCOMPARE(store.deleteRuns({run}).runs.size(), 1);
    }

    void trialsOfASweepGoingOnAreRefusedThenTheSweepFollows() {
        StoreWriter store(path_);
        QList<qint64> trials;
        const qint64 sweep = test::seedSweep(store, QStringLiteral("s"), 3, &trials);
        store.setSweepImportance(sweep, {{QStringLiteral("training.optimizer.lr"), 1.0}});
        store.setSweepStatus(sweep, RunStatus::Running); // going on, in this process
        try {
            store.deleteRuns({trials[0]});
            QFAIL("a trial of a sweep going on must not be deleted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(
                         QStringLiteral("trial 1 of sweep %1, which is running").arg(sweep)),
                     qPrintable(e.message()));
        }
        store.setSweepStatus(sweep, RunStatus::Completed);
        store.setSweepImportance(sweep, {{QStringLiteral("training.optimizer.lr"), 1.0}});

        const RunDeletion first = store.deleteRuns({trials[0]});
        QVERIFY(first.sweepsRemoved.isEmpty());
        WorkspaceReader reader(path_);
        const auto stored = reader.sweep(sweep);
        QVERIFY(stored);
        QVERIFY2(stored->importance.isEmpty(), "importance was fitted on the deleted trial too");
        const QJsonObject report = reader.sweepReport(*stored);
        QCOMPARE(report.value(QStringLiteral("trials")).toArray().size(), 2);
        QCOMPARE(
            report.value(QStringLiteral("best")).toObject().value(QStringLiteral("trial")).toInt(),
            3);

        const RunDeletion rest = store.deleteRuns({trials[1], trials[2]});
        QCOMPARE(rest.sweepsRemoved, QList<qint64>{sweep});
        QVERIFY(!reader.sweep(sweep));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestRunEdits)
#include "tst_runedits.moc"
