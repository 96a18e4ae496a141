// trainlab-cli tag, note and delete (issue 12) as scripts use them: what they print, the exit
// codes of the contract, a deletion that needs --yes when nobody can be asked, and a run that
// another process trains left alone.
#include "../common/CliSupport.h"
#include "../common/RunSeeding.h"
#include "../common/TestSupport.h"

#include "store/StoreWriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace trainlab;
using test::CliResult;
using test::runCli;

class TestCliRunEdits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("edits.db"));
    }

    void tagAndNote() {
        qint64 run = 0;
        {
            StoreWriter store(db_);
            run = test::seedRun(store, test::named(QStringLiteral("tagged")));
        }
        const QString id = QString::number(run);
        CliResult result = runCli({QStringLiteral("tag"), id, QStringLiteral("good"),
                                   QStringLiteral("baseline"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray("run ") + id.toUtf8() + ": tags baseline, good\n");
        result = runCli({QStringLiteral("tag"), id, QStringLiteral("good"),
                         QStringLiteral("--remove"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.endsWith("tags baseline\n"), result.out.constData());
        result = runCli({QStringLiteral("note"), id, QStringLiteral("lr too high"),
                         QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        result = runCli(
            {QStringLiteral("show"), id, QStringLiteral("--json"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject shown = test::parseJson(result.out).object();
        QCOMPARE(shown.value(QStringLiteral("tags")).toArray(),
                 QJsonArray{QStringLiteral("baseline")});
        QCOMPARE(shown.value(QStringLiteral("note")).toString(), QStringLiteral("lr too high"));
    }

    void badInputIsNamed() {
        qint64 run = 0;
        {
            StoreWriter store(db_);
            run = test::seedRun(store, test::named(QStringLiteral("r")));
        }
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("tag"), QString::number(run),
                                            QStringLiteral("a,b"), QStringLiteral("--db"), db_}),
                                    2, "tag \"a,b\"");
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("note"), QStringLiteral("999"),
                                            QStringLiteral("x"), QStringLiteral("--db"), db_}),
                                    2, "no run 999");
        const QString missing = dir_->filePath(QStringLiteral("missing.db"));
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("tag"), QString::number(run),
                                            QStringLiteral("x"), QStringLiteral("--db"), missing}),
                                    2, missing);
        QVERIFY2(!QFileInfo::exists(missing), "an edit must not create a workspace");
    }

    void deleteNeedsYesAndLeavesLiveRunsAlone() {
        qint64 done = 0;
        qint64 live = 0;
        QString folder;
        // This test process holds `live` running: to trainlab-cli, another live process.
        StoreWriter store(db_);
        test::SeededRun finished = test::named(QStringLiteral("done"));
        finished.metrics = {{QStringLiteral("val_loss"), 0.5}};
        done = test::seedRun(store, finished);
        live = test::seedRun(store, test::named(QStringLiteral("live"), RunStatus::Running));
        folder = store.findRun(done)->checkpointDir;
        QDir().mkpath(folder);
        test::writeFile(folder + QStringLiteral("/last.pt"), "weights");
        store.recordCheckpoint({done, 3, 0.3, folder + QStringLiteral("/last.pt"), false, {}, 0});
        store.flush();

        const QString id = QString::number(done);
        // Standard input is not a terminal here: nobody can answer, so nothing goes.
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("delete"), id, QStringLiteral("--db"), db_}), 2, "--yes");
        QVERIFY(store.findRun(done));
        QVERIFY(QFileInfo::exists(folder));

        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("delete"), id, QString::number(live),
                                            QStringLiteral("--yes"), QStringLiteral("--db"), db_}),
                                    2, "in another process");
        QVERIFY(store.findRun(done)); // all or nothing

        const CliResult result = runCli(
            {QStringLiteral("delete"), id, QStringLiteral("--yes"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray("deleted run ") + id.toUtf8() +
                                 " (done): 3 metric rows, 0 system samples, 0 artifacts, 1 "
                                 "checkpoints, 2 files\n");
        QVERIFY(!store.findRun(done));
        QVERIFY(!QFileInfo::exists(folder));
        QVERIFY(store.findRun(live));
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("show"), id, QStringLiteral("--db"), db_}), 2, id);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCliRunEdits)
#include "tst_clirunedits.moc"
