// One data-parallel run across processes: two trainlab-cli processes on this host meet at a
// TCPStore on a free localhost port (by --nnodes/--node-rank/--master or by torchrun's
// variables) and train to the parameters the in-process run reaches; a rank that throws stops
// both; bad values and an absent master are refused with the contract's exit codes; a resume
// continues on as many ranks as the run trained on, and on no other number.
#include "../common/CliSupport.h"
#include "../common/RawSql.h"

#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "train/DataParallelTrainer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/serialize.h>
#include <unistd.h>

using namespace trainlab;
using test::CliResult;

namespace {

// Blobs, no dropout, plain SGD: nothing random after the initial weights, so any two ways of
// running 2 ranks of 32 follow each other up to float rounding. 4 epochs of 5 steps, a
// checkpoint at each epoch's end.
QString specJson(const QString& devices) {
    return QStringLiteral(R"({"trainlab": 1, "name": "dp",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 320,
                    "classes": 4, "features": 8, "noise": 1.0},
                    "validation_split": 0, "test_split": 0},
        "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"}, {"type": "linear"}]},
        "training": {"epochs": 4, "batch_size": 64, "optimizer": {"type": "sgd", "lr": 0.1},
                     "schedule": {"type": "constant"}, "log_every_steps": 5, "seed": 7,
                     "threads": 1},
        "devices": %1})")
        .arg(devices);
}

// A port nobody listens on now (the kernel's pick for a socket bound to port 0).
quint16 freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// One trainlab-cli process of a run; its environment adds NAME=value variables.
struct Node {
    QStringList args;
    QStringList environment;
};

// Starts every node at once and waits for all of them (a node that hangs is killed).
QList<CliResult> runNodes(const QList<Node>& nodes, int timeoutMs = 90000) {
    std::vector<std::unique_ptr<QProcess>> processes;
    for (const Node& node : nodes) {
        auto process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& assignment : node.environment)
            env.insert(assignment.section(QLatin1Char('='), 0, 0),
                       assignment.section(QLatin1Char('='), 1));
        process->setProcessEnvironment(env);
        process->start(QStringLiteral(TRAINLAB_CLI_PATH), node.args);
        processes.push_back(std::move(process));
    }
    QList<CliResult> results;
    for (auto& process : processes) {
        if (!process->waitForFinished(timeoutMs)) {
            qWarning("trainlab-cli timed out");
            process->kill();
            process->waitForFinished();
        }
        results.append({process->exitCode(), process->exitStatus() == QProcess::CrashExit,
                        process->readAllStandardOutput(), process->readAllStandardError()});
    }
    return results;
}

QStringList nodeFlags(int nodeRank, quint16 port) {
    return {QStringLiteral("--nnodes"),    QStringLiteral("2"),
            QStringLiteral("--node-rank"), QString::number(nodeRank),
            QStringLiteral("--master"),    QStringLiteral("127.0.0.1:%1").arg(port)};
}

QStringList torchrunVariables(int rank, quint16 port) {
    return {QStringLiteral("MASTER_ADDR=127.0.0.1"),
            QStringLiteral("MASTER_PORT=%1").arg(port),
            QStringLiteral("WORLD_SIZE=2"),
            QStringLiteral("RANK=%1").arg(rank),
            QStringLiteral("LOCAL_RANK=%1").arg(rank),
            QStringLiteral("LOCAL_WORLD_SIZE=2")};
}

#define VERIFY_EXIT(result, code)                                                                  \
    QVERIFY2(!(result).crashed && (result).exitCode == (code),                                     \
             qPrintable(QStringLiteral("exit %1, expected %2; stderr: %3")                         \
                            .arg((result).exitCode)                                                \
                            .arg(code)                                                             \
                            .arg(QString::fromUtf8((result).err))))

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

    // The parameters a checkpoint file holds, flattened (read without its owner's checks).
    torch::Tensor checkpointParameters(const QString& path) {
        BuiltModel built = buildModel(spec_.model, data_.sampleShape, data_.numClasses);
        torch::serialize::InputArchive archive;
        archive.load_from(path.toStdString());
        torch::serialize::InputArchive model;
        archive.read("model", model);
        built.net->load(model);
        std::vector<torch::Tensor> flat;
        for (const auto& p : built.net->parameters())
            flat.push_back(p.detach().reshape({-1}));
        return torch::cat(flat);
    }

    // The last resumable checkpoint a workspace recorded for its newest run.
    static QString lastCheckpoint(const QString& db) {
        const QStringList paths = test::rawColumn(
            db, QStringLiteral("SELECT path FROM checkpoints WHERE is_best = 0 ORDER BY id DESC "
                               "LIMIT 1"));
        return paths.value(0);
    }

    static QString runColumn(const QString& db, const char* column) {
        return test::rawColumn(db, QStringLiteral("SELECT %1 FROM runs ORDER BY id DESC LIMIT 1")
                                       .arg(QLatin1String(column)))
            .value(0);
    }

    // The parameters of a run's checkpoint against the in-process 2-rank reference.
    void verifyMatchesReference(const QString& checkpoint) {
        QVERIFY2(QFile::exists(checkpoint), qPrintable(checkpoint));
        const double difference =
            (checkpointParameters(checkpoint) - reference_).abs().max().item<double>();
        qInfo("largest parameter difference against the in-process run: %g", difference);
        QVERIFY2(difference < 1e-5, qPrintable(QString::number(difference)));
    }

    QString writeSpec(const QString& devices) {
        const QString path = dir_->filePath(QStringLiteral("spec-%1.json").arg(++specs_));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        file.write(specJson(devices).toUtf8());
        return path;
    }

private Q_SLOTS:
    void initTestCase() {
        // The in-process run: 2 rank threads over a HashStore, 20 steps.
        spec_ = parseSpec(specJson(QStringLiteral("\"cpu\"")).toUtf8(), QStringLiteral("dp"));
        data_ = buildDataset(spec_.dataset, spec_.training.seed);
        QTemporaryDir folder;
        RunControl control;
        TrainerCallbacks callbacks;
        callbacks.message = [](const QString&) {};
        callbacks.metric = [](int64_t, double, const QString&, double) {};
        TrainerOptions options;
        options.cpuThreads = 2;
        options.checkpointDirectory = folder.path();
        const TrainOutcome outcome =
            DataParallelTrainer(spec_, data_, control, callbacks, options, 2).run();
        QCOMPARE(outcome.steps, 20);
        reference_ =
            checkpointParameters(QDir(folder.path()).filePath(QStringLiteral("last-20.pt")));
    }

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
        const quint16 port = freePort();
        // The second node has no workspace: where its default one would be must stay empty.
        const QString otherHome = dir_->filePath(QStringLiteral("other-node"));
        QDir().mkpath(otherHome);
        Node master{
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")},
            {}};
        Node other{{QStringLiteral("run"), spec}, {QStringLiteral("XDG_DATA_HOME=") + otherHome}};
        if (torchrun) {
            master.environment += torchrunVariables(0, port);
            other.environment += torchrunVariables(1, port);
        } else {
            master.args += nodeFlags(0, port);
            other.args += nodeFlags(1, port);
        }
        const QList<CliResult> results = runNodes({master, other});
        VERIFY_EXIT(results[0], 0);
        VERIFY_EXIT(results[1], 0);
        const QJsonObject shown = test::parseJson(results[0].out).object();
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY2(results[1].err.contains("ranks 1-1 of 2"), results[1].err.constData());
        QCOMPARE(QDir(otherHome).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT count(*) FROM runs")),
                 QStringList{QStringLiteral("1")});
        QCOMPARE(runColumn(db_, "devices"), torchrun ? QStringLiteral("2 ranks (torchrun)")
                                                     : QStringLiteral("cpu on 2 nodes"));
        // One curve for the run: a train_loss point every 5 steps.
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT count(*) FROM metrics WHERE name = "
                                                     "'train_loss'")),
                 QStringList{QStringLiteral("4")});
        verifyMatchesReference(lastCheckpoint(db_));
    }

    void aRankThatThrowsStopsBothProcesses_data() {
        QTest::addColumn<int>("failingRank");
        QTest::newRow("rank 1, in the second process") << 1;
        QTest::newRow("rank 0, in the master") << 0;
    }

    void aRankThatThrowsStopsBothProcesses() {
        QFETCH(int, failingRank);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = freePort();
        const QString hook = QStringLiteral("%1=%2:5")
                                 .arg(QLatin1String(DataParallelTrainer::kFailureHookVariable))
                                 .arg(failingRank);
        QElapsedTimer timer;
        timer.start();
        const QList<CliResult> results =
            runNodes({{QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                           nodeFlags(0, port),
                       {hook}},
                      {QStringList{QStringLiteral("run"), spec} + nodeFlags(1, port), {hook}}});
        const qint64 elapsedMs = timer.elapsed();
        qInfo("both processes ended %lld ms after they started", elapsedMs);
        QVERIFY(elapsedMs < 30000);
        const QString expected =
            QStringLiteral("rank %1: failure injected at step 5").arg(failingRank);
        // The run is failed with the failing rank's own message, and each process says it.
        QCOMPARE(runColumn(db_, "status"), QStringLiteral("failed"));
        const QString stored = runColumn(db_, "error");
        QVERIFY2(failingRank == 0 ? stored.startsWith(QStringLiteral("failure injected at step 5"))
                                  : stored.startsWith(expected),
                 qPrintable(stored));
        TRAINLAB_VERIFY_CLI_FAILURE(results[0], 1, QStringLiteral("failure injected at step 5"));
        TRAINLAB_VERIFY_CLI_FAILURE(results[1], 1, QStringLiteral("failure injected at step 5"));
        if (failingRank == 0)
            QVERIFY2(results[1].err.contains(expected.toUtf8()), results[1].err.constData());
    }

    void badValuesAreRefused_data() {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("fault");
        const auto flags = [](const char* nodes, const char* rank, const char* master) {
            return QStringList{QStringLiteral("--nnodes"),    QLatin1String(nodes),
                               QStringLiteral("--node-rank"), QLatin1String(rank),
                               QStringLiteral("--master"),    QLatin1String(master)};
        };
        QTest::newRow("port out of range")
            << flags("2", "0", "127.0.0.1:70000") << QStringList() << "--master: port";
        QTest::newRow("port zero")
            << flags("2", "1", "127.0.0.1:0") << QStringList() << "--master: port";
        QTest::newRow("node rank not below nnodes")
            << flags("2", "2", "127.0.0.1:29500") << QStringList() << "--node-rank: 2";
        QTest::newRow("nnodes not a number")
            << flags("two", "0", "127.0.0.1:29500") << QStringList() << "--nnodes";
        QTest::newRow("no port") << flags("2", "1", "127.0.0.1") << QStringList() << "--master";
        QTest::newRow("no master") << QStringList{QStringLiteral("--nnodes"), QStringLiteral("2")}
                                   << QStringList() << "--master";
        QTest::newRow("RANK not below WORLD_SIZE")
            << QStringList()
            << QStringList{"WORLD_SIZE=2", "RANK=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=29500"}
            << "RANK: 2";
        QTest::newRow("MASTER_PORT missing")
            << QStringList() << QStringList{"WORLD_SIZE=2", "RANK=1", "MASTER_ADDR=127.0.0.1"}
            << "MASTER_PORT";
        QTest::newRow("MASTER_PORT out of range")
            << QStringList()
            << QStringList{"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=h", "MASTER_PORT=65536"}
            << "MASTER_PORT";
        QTest::newRow("timeout beyond 30 s")
            << flags("2", "0", "127.0.0.1:29500") << QStringList{"TRAINLAB_RENDEZVOUS_TIMEOUT_S=90"}
            << "TRAINLAB_RENDEZVOUS_TIMEOUT_S";
    }

    void badValuesAreRefused() {
        QFETCH(QStringList, flags);
        QFETCH(QStringList, environment);
        QFETCH(QString, fault);
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const CliResult result = test::runCli(
            QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} + flags,
            environment);
        TRAINLAB_VERIFY_CLI_FAILURE(result, 2, fault);
        QVERIFY(test::rawColumn(db_, QStringLiteral("SELECT count(*) FROM runs")).value(0) !=
                QLatin1String("1"));
    }

    void anAbsentPeerFailsAfterTheTimeout() {
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const quint16 port = freePort();
        const QStringList shortWait{QStringLiteral("TRAINLAB_RENDEZVOUS_TIMEOUT_S=2")};
        // No master listens: the second node gives up after the timeout.
        QElapsedTimer timer;
        timer.start();
        const CliResult alone =
            test::runCli(QStringList{QStringLiteral("run"), spec} + nodeFlags(1, port), shortWait);
        qInfo("a node without its master gave up after %lld ms", timer.elapsed());
        TRAINLAB_VERIFY_CLI_FAILURE(alone, 3, QStringLiteral("127.0.0.1:%1").arg(port));
        QVERIFY(timer.elapsed() < 20000);
        // A master whose other node never comes: its run is stored failed, saying which rank.
        const CliResult master =
            test::runCli(QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                             nodeFlags(0, port),
                         shortWait);
        TRAINLAB_VERIFY_CLI_FAILURE(master, 3, QStringLiteral("rank 1 of 2 did not join"));
        QCOMPARE(runColumn(db_, "status"), QStringLiteral("failed"));
    }

    void aResumeContinuesOnAsManyRanks() {
        // Two ranks in one process; rank 1 fails at step 12, after the checkpoint of step 10.
        const QString spec = writeSpec(QStringLiteral("[\"cpu\", \"cpu\"]"));
        const QString hook =
            QStringLiteral("%1=1:12").arg(QLatin1String(DataParallelTrainer::kFailureHookVariable));
        const CliResult failed =
            test::runCli({QStringLiteral("run"), spec, QStringLiteral("--db"), db_}, {hook});
        VERIFY_EXIT(failed, 1);
        const QString run = runColumn(db_, "id");
        // Rank 0 may hear of the failure as a cancel before its next collective: then it stops
        // at step 12, which both ranks completed, and says so in a checkpoint.
        const QString checkpoint = lastCheckpoint(db_);
        QVERIFY2(checkpoint.endsWith(QStringLiteral("last-10.pt")) ||
                     checkpoint.endsWith(QStringLiteral("last-12.pt")),
                 qPrintable(checkpoint));
        const QByteArray step = checkpoint.endsWith(QStringLiteral("last-10.pt")) ? "10" : "12";

        // On another number of ranks it is refused, before anything changes.
        const CliResult elsewhere =
            test::runCli(QStringList{QStringLiteral("resume"), run, QStringLiteral("--db"), db_} +
                         nodeFlags(0, freePort()));
        TRAINLAB_VERIFY_CLI_FAILURE(elsewhere, 2, QStringLiteral("trained on 2 ranks"));
        const CliResult devices =
            test::runCli({QStringLiteral("resume"), run, QStringLiteral("--db"), db_,
                          QStringLiteral("--devices"), QStringLiteral("cpu")});
        TRAINLAB_VERIFY_CLI_FAILURE(devices, 2, QStringLiteral("--devices"));
        QCOMPARE(runColumn(db_, "status"), QStringLiteral("failed"));

        // On its own 2 ranks it goes on from its checkpoint to where the unbroken run ended.
        const CliResult resumed =
            test::runCli({QStringLiteral("resume"), run, QStringLiteral("--db"), db_});
        VERIFY_EXIT(resumed, 0);
        const QByteArray marker = QByteArray("resumed at step ") + step;
        QVERIFY2(resumed.err.contains(marker), resumed.err.constData());
        QCOMPARE(runColumn(db_, "status"), QStringLiteral("completed"));
        verifyMatchesReference(lastCheckpoint(db_));
    }

    void twoProcessesResumeTheirRun() {
        // The second process has no workspace: the checkpoint comes from the master.
        const QString spec = writeSpec(QStringLiteral("\"cpu\""));
        const QString hook =
            QStringLiteral("%1=1:12").arg(QLatin1String(DataParallelTrainer::kFailureHookVariable));
        quint16 port = freePort();
        const QList<CliResult> failed =
            runNodes({{QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_} +
                           nodeFlags(0, port),
                       {hook}},
                      {QStringList{QStringLiteral("run"), spec} + nodeFlags(1, port), {hook}}});
        VERIFY_EXIT(failed[0], 1);
        VERIFY_EXIT(failed[1], 1);
        const QString run = runColumn(db_, "id");
        port = freePort();
        const QList<CliResult> resumed =
            runNodes({{QStringList{QStringLiteral("resume"), run, QStringLiteral("--db"), db_} +
                           nodeFlags(0, port),
                       {}},
                      {QStringList{QStringLiteral("resume"), run} + nodeFlags(1, port), {}}});
        VERIFY_EXIT(resumed[0], 0);
        VERIFY_EXIT(resumed[1], 0);
        QVERIFY2(resumed[1].err.contains("resumed at step 10"), resumed[1].err.constData());
        QCOMPARE(runColumn(db_, "status"), QStringLiteral("completed"));
        verifyMatchesReference(lastCheckpoint(db_));
    }

private:
    ExperimentSpec spec_;
    DatasetSplits data_;
    torch::Tensor reference_;
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
    int specs_ = 0;
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
