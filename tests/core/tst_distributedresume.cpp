// Data-parallel runs that stop and go on: a node whose peer never comes gives up after the
// rendezvous timeout with exit 3 (the master's run is stored failed, naming the missing rank);
// a resume continues on as many ranks as the run trained on, in one process or two (the
// second getting the checkpoint from the master), and on another number it is refused.
#include "../common/DistributedSupport.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace trainlab;
using test::CliResult;

class TestDistributedResume : public QObject {
    Q_OBJECT

    QString writeSpec(const QString& devices) {
        const QString path = dir_->filePath(QStringLiteral("spec.json"));
        test::writeFile(path, test::distributedSpecJson(devices).toUtf8());
        return path;
    }

private Q_SLOTS:
    void initTestCase() { reference_ = std::make_unique<test::ReferenceRun>(); }

    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("master.db"));
    }

    void anAbsentPeerFailsAfterTheTimeout() {
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = test::freePort();
        const QStringList shortWait{QStringLiteral("TRAINLAB_RENDEZVOUS_TIMEOUT_S=2")};
        // No master listens: the second node gives up after the timeout.
        QElapsedTimer timer;
        timer.start();
        const CliResult alone = test::runCli(
            QStringList{QStringLiteral("run"), spec} + test::nodeFlags(1, port), shortWait);
        qInfo("a node without its master gave up after %lld ms", timer.elapsed());
        TRAINLAB_VERIFY_CLI_FAILURE(alone, 3, QStringLiteral("127.0.0.1:%1").arg(port));
        QVERIFY(timer.elapsed() < 20000);
        // A master whose other node never comes: its run is stored failed, saying which rank.
        const CliResult master =
            test::runCli(QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                             test::nodeFlags(0, port),
                         shortWait);
        TRAINLAB_VERIFY_CLI_FAILURE(master, 3, QStringLiteral("rank 1 of 2 did not join"));
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("failed"));
    }

    void aResumeContinuesOnAsManyRanks() {
        // Two ranks in one process; rank 1 fails at step 12, after the checkpoint of step 10.
        const QString spec = writeSpec(QStringLiteral("[\"cpu\", \"cpu\"]"));
        const CliResult failed = test::runCli(
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_}, {test::failureHook(1, 12)});
        TRAINLAB_VERIFY_EXIT(failed, 1);
        const QString run = test::newestRunColumn(db_, "id");
        // Rank 0 may hear of the failure as a cancel before its next collective: then it stops
        // at step 12, which both ranks completed, and says so in a checkpoint.
        const QString checkpoint = test::lastCheckpoint(db_);
        QVERIFY2(checkpoint.endsWith(QStringLiteral("last-10.pt")) ||
                     checkpoint.endsWith(QStringLiteral("last-12.pt")),
                 qPrintable(checkpoint));
        const QByteArray step = checkpoint.endsWith(QStringLiteral("last-10.pt")) ? "10" : "12";

        // On another number of ranks it is refused, before anything changes.
        const CliResult elsewhere =
            test::runCli(QStringList{QStringLiteral("resume"), run, QStringLiteral("--db"), db_} +
                         test::nodeFlags(0, test::freePort()));
        TRAINLAB_VERIFY_CLI_FAILURE(elsewhere, 2, QStringLiteral("trained on 2 ranks"));
        const CliResult devices =
            test::runCli({QStringLiteral("resume"), run, QStringLiteral("--db"), db_,
                          QStringLiteral("--devices"), QStringLiteral("cpu")});
        TRAINLAB_VERIFY_CLI_FAILURE(devices, 2, QStringLiteral("--devices"));
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("failed"));
        QCOMPARE(test::lastCheckpoint(db_), checkpoint);

        // On its own 2 ranks it goes on from its checkpoint to where the unbroken run ended.
        const CliResult resumed =
            test::runCli({QStringLiteral("resume"), run, QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_EXIT(resumed, 0);
        const QByteArray marker = QByteArray("resumed at step ") + step;
        QVERIFY2(resumed.err.contains(marker), resumed.err.constData());
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("completed"));
        TRAINLAB_VERIFY_REFERENCE(*reference_, test::lastCheckpoint(db_));
    }

    void twoProcessesResumeTheirRun() {
        // The second process has no workspace: the checkpoint comes from the master.
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const QString hook = test::failureHook(1, 12);
        quint16 port = test::freePort();
        const QList<CliResult> failed = test::runNodes(
            {{QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                  test::nodeFlags(0, port),
              {hook}},
             {QStringList{QStringLiteral("run"), spec} + test::nodeFlags(1, port), {hook}}});
        TRAINLAB_VERIFY_EXIT(failed[0], 1);
        TRAINLAB_VERIFY_EXIT(failed[1], 1);
        const QString run = test::newestRunColumn(db_, "id");
        port = test::freePort();
        const QList<CliResult> resumed = test::runNodes(
            {{QStringList{QStringLiteral("resume"), run, QStringLiteral("--db"), db_} +
                  test::nodeFlags(0, port),
              {}},
             {QStringList{QStringLiteral("resume"), run} + test::nodeFlags(1, port), {}}});
        TRAINLAB_VERIFY_EXIT(resumed[0], 0);
        TRAINLAB_VERIFY_EXIT(resumed[1], 0);
        QVERIFY2(resumed[1].err.contains("resumed at step 10"), resumed[1].err.constData());
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("completed"));
        TRAINLAB_VERIFY_REFERENCE(*reference_, test::lastCheckpoint(db_));
    }

private:
    std::unique_ptr<test::ReferenceRun> reference_;
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestDistributedResume)
#include "tst_distributedresume.moc"
