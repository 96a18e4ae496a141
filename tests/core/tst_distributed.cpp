// One data-parallel run across processes: two trainlab-cli processes on this host meet at a
// TCPStore on a free localhost port (by --nnodes/--node-rank/--master or by torchrun's
// variables) and train to the parameters the in-process run reaches; a rank that throws stops
// both, and the run stores that rank's message; a peer that stalls or is killed fails the
// master's run within the collective timeout; bad values end the command with exit 2.
// (tst_clusterlayout checks every bad value; tst_distributedresume the timeout and resume.)
#include "../common/DistributedSupport.h"

#include <QElapsedTimer>
#include <QtTest>
#include <csignal>

using namespace trainlab;
using test::CliResult;
using test::Node;

class TestDistributed : public QObject {
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

    void twoProcessesTrainLikeTwoThreads_data() {
        QTest::addColumn<bool>("torchrun");
        QTest::newRow("--nnodes --node-rank --master") << false;
        QTest::newRow("torchrun's variables") << true;
    }

    void twoProcessesTrainLikeTwoThreads() {
        QFETCH(bool, torchrun);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = test::freePort();
        // The second node has no workspace: where its default one would be must stay empty.
        const QString otherHome = dir_->filePath(QStringLiteral("other-node"));
        QDir().mkpath(otherHome);
        Node master{
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")},
            {}};
        Node other{{QStringLiteral("run"), spec}, {QStringLiteral("XDG_DATA_HOME=") + otherHome}};
        if (torchrun) {
            master.environment += test::torchrunVariables(0, port);
            other.environment += test::torchrunVariables(1, port);
        } else {
            master.args += test::nodeFlags(0, port);
            other.args += test::nodeFlags(1, port);
        }
        const QList<CliResult> results = test::runNodes({master, other});
        TRAINLAB_VERIFY_EXIT(results[0], 0);
        TRAINLAB_VERIFY_EXIT(results[1], 0);
        const QJsonObject shown = test::parseJson(results[0].out).object();
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY2(results[1].err.contains("ranks 1-1 of 2"), results[1].err.constData());
        QCOMPARE(QDir(otherHome).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT count(*) FROM runs")),
                 QStringList{QStringLiteral("1")});
        QCOMPARE(test::newestRunColumn(db_, "devices"), torchrun
                                                            ? QStringLiteral("2 ranks (torchrun)")
                                                            : QStringLiteral("cpu on 2 nodes"));
        // One curve for the run: a train_loss point every 5 steps.
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT count(*) FROM metrics WHERE name = "
                                                     "'train_loss'")),
                 QStringList{QStringLiteral("4")});
        TRAINLAB_VERIFY_REFERENCE(*reference_, test::lastCheckpoint(db_));
    }

    void aRankThatThrowsStopsBothProcesses_data() {
        QTest::addColumn<int>("failingRank");
        QTest::newRow("rank 1, in the second process") << 1;
        QTest::newRow("rank 0, in the master") << 0;
    }

    void aRankThatThrowsStopsBothProcesses() {
        QFETCH(int, failingRank);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = test::freePort();
        const QString hook = test::failureHook(failingRank, 5);
        QElapsedTimer timer;
        timer.start();
        const QList<CliResult> results = test::runNodes(
            {{QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                  test::nodeFlags(0, port),
              {hook}},
             {QStringList{QStringLiteral("run"), spec} + test::nodeFlags(1, port), {hook}}});
        const qint64 elapsedMs = timer.elapsed();
        qInfo("both processes ended %lld ms after they started", elapsedMs);
        QVERIFY(elapsedMs < 30000);
        // The run is failed with the failing rank's own message, and each process says it.
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("failed"));
        const QString stored = test::newestRunColumn(db_, "error");
        const QString fromOther =
            QStringLiteral("rank %1: failure injected at step 5").arg(failingRank);
        QVERIFY2(stored.startsWith(failingRank == 0 ? QStringLiteral("failure injected at step 5")
                                                    : fromOther),
                 qPrintable(stored));
        TRAINLAB_VERIFY_CLI_FAILURE(results[0], 1, QStringLiteral("failure injected at step 5"));
        TRAINLAB_VERIFY_CLI_FAILURE(results[1], 1, QStringLiteral("failure injected at step 5"));
        if (failingRank == 0)
            QVERIFY2(results[1].err.contains(fromOther.toUtf8()), results[1].err.constData());
    }

    void aStalledOrKilledPeerFailsTheRun_data() {
        QTest::addColumn<int>("signal");
        QTest::newRow("stalled (SIGSTOP)") << int(SIGSTOP);
        QTest::newRow("killed (SIGKILL), as the out-of-memory killer does") << int(SIGKILL);
    }

    void aStalledOrKilledPeerFailsTheRun() {
        // Neither can say why: the master learns of it from Gloo, at the 2 s timeout at worst.
        QFETCH(int, signal);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = test::freePort();
        const QStringList longer{QStringLiteral("--set"), QStringLiteral("training.epochs=5000")};
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAINLAB_RENDEZVOUS_TIMEOUT_S"), QStringLiteral("2"));
        QProcess master;
        QProcess other;
        master.setProcessEnvironment(env);
        other.setProcessEnvironment(env);
        master.start(QStringLiteral(TRAINLAB_CLI_PATH),
                     QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                         longer + test::nodeFlags(0, port));
        other.start(QStringLiteral(TRAINLAB_CLI_PATH),
                    QStringList{QStringLiteral("run"), spec} + longer + test::nodeFlags(1, port));
        const bool signalled = test::signalWhenSeen(other, "epoch 3/", signal);
        QElapsedTimer timer;
        timer.start();
        const bool ended = master.waitForFinished(30000);
        const qint64 elapsedMs = timer.elapsed();
        ::kill(pid_t(other.processId()), SIGKILL);
        other.waitForFinished();
        QVERIFY(signalled);
        QVERIFY(ended);
        qInfo("the master's run ended %lld ms after its peer was signalled", elapsedMs);
        QVERIFY(elapsedMs < 15000);
        const CliResult result{master.exitCode(), master.exitStatus() == QProcess::CrashExit,
                               master.readAllStandardOutput(), master.readAllStandardError()};
        TRAINLAB_VERIFY_CLI_FAILURE(result, 1, QStringLiteral("data-parallel rank 0"));
        QCOMPARE(test::newestRunColumn(db_, "status"), QStringLiteral("failed"));
        qInfo("stored: %s", qPrintable(test::newestRunColumn(db_, "error")));
    }

    void badValuesEndWithExit2_data() {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("fault");
        QTest::newRow("port out of range")
            << QStringList{QStringLiteral("--nnodes"),    QStringLiteral("2"),
                           QStringLiteral("--node-rank"), QStringLiteral("0"),
                           QStringLiteral("--master"),    QStringLiteral("127.0.0.1:70000")}
            << QStringList() << "--master: port";
        QTest::newRow("RANK not below WORLD_SIZE")
            << QStringList()
            << QStringList{"WORLD_SIZE=2", "RANK=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=29500"}
            << "RANK: 2";
    }

    void badValuesEndWithExit2() {
        QFETCH(QStringList, flags);
        QFETCH(QStringList, environment);
        QFETCH(QString, fault);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const CliResult result = test::runCli(
            QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} + flags,
            environment);
        TRAINLAB_VERIFY_CLI_FAILURE(result, 2, fault);
        QVERIFY(!QFile::exists(db_)); // refused before the workspace is opened
    }

private:
    std::unique_ptr<test::ReferenceRun> reference_;
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
