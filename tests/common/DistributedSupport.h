#pragma once

// Data-parallel runs across trainlab-cli processes on this host: a spec that trains the same
// whichever way its 2 ranks are run, a free localhost port to meet at, nodes started together,
// and the in-process run every such run is compared with.
#include "CliSupport.h"
#include "RawSql.h"
#include "TestSupport.h"

#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "train/DataParallelTrainer.h"

#include <QDir>
#include <QTemporaryDir>
#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/serialize.h>
#include <unistd.h>

namespace trainlab::test {

/// Blobs, no dropout, plain SGD: nothing random after the initial weights, so any two ways of
/// running 2 ranks of 32 follow each other up to float rounding. 4 epochs of 5 steps, a
/// checkpoint at each epoch's end.
inline QString distributedSpecJson(const QString& devices) {
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

/// A port nobody listens on now (the kernel's pick for a socket bound to port 0).
inline quint16 freePort() {
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

/// One trainlab-cli process of a run; its environment adds NAME=value variables.
struct Node {
    QStringList args;
    QStringList environment;
};

/// Starts every node at once and waits for all of them (a node that hangs is killed).
inline QList<CliResult> runNodes(const QList<Node>& nodes, int timeoutMs = 90000) {
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

inline QStringList nodeFlags(int nodeRank, quint16 port) {
    return {QStringLiteral("--nnodes"),    QStringLiteral("2"),
            QStringLiteral("--node-rank"), QString::number(nodeRank),
            QStringLiteral("--master"),    QStringLiteral("127.0.0.1:%1").arg(port)};
}

inline QStringList torchrunVariables(int rank, quint16 port) {
    return {QStringLiteral("MASTER_ADDR=127.0.0.1"),
            QStringLiteral("MASTER_PORT=%1").arg(port),
            QStringLiteral("WORLD_SIZE=2"),
            QStringLiteral("RANK=%1").arg(rank),
            QStringLiteral("LOCAL_RANK=%1").arg(rank),
            QStringLiteral("LOCAL_WORLD_SIZE=2")};
}

/// TRAINLAB_TEST_FAIL_RANK_AT_STEP=rank:step, for a node's environment.
inline QString failureHook(int rank, int step) {
    return QStringLiteral("%1=%2:%3")
        .arg(QLatin1String(DataParallelTrainer::kFailureHookVariable))
        .arg(rank)
        .arg(step);
}

/// A column of a workspace's newest run.
inline QString newestRunColumn(const QString& db, const char* column) {
    return rawColumn(db, QStringLiteral("SELECT %1 FROM runs ORDER BY id DESC LIMIT 1")
                             .arg(QLatin1String(column)))
        .value(0);
}

/// The last resumable checkpoint a workspace recorded.
inline QString lastCheckpoint(const QString& db) {
    return rawColumn(db, QStringLiteral("SELECT path FROM checkpoints WHERE is_best = 0 ORDER BY "
                                        "id DESC LIMIT 1"))
        .value(0);
}

/// The spec's run on 2 rank threads of one process, to compare other runs' checkpoints with.
class ReferenceRun {
public:
    ReferenceRun()
        : spec_(parseSpec(distributedSpecJson(QStringLiteral("\"cpu\"")).toUtf8(),
                          QStringLiteral("dp")))
        , data_(buildDataset(spec_.dataset, spec_.training.seed)) {
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
        if (outcome.steps != 20)
            qFatal("the reference run took %lld steps, not 20", (long long)outcome.steps);
        parameters_ =
            checkpointParameters(QDir(folder.path()).filePath(QStringLiteral("last-20.pt")));
    }

    /// The parameters a checkpoint file holds, flattened (read without its owner's checks).
    torch::Tensor checkpointParameters(const QString& path) const {
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

    /// The largest difference between a checkpoint's parameters and the reference's.
    double difference(const QString& checkpoint) const {
        return (checkpointParameters(checkpoint) - parameters_).abs().max().item<double>();
    }

private:
    ExperimentSpec spec_;
    DatasetSplits data_;
    torch::Tensor parameters_;
};

} // namespace trainlab::test

/// Exit `code` without a crash, or fail showing the process's stderr.
#define TRAINLAB_VERIFY_EXIT(result, code)                                                         \
    QVERIFY2(!(result).crashed && (result).exitCode == (code),                                     \
             qPrintable(QStringLiteral("exit %1, expected %2; stderr: %3")                         \
                            .arg((result).exitCode)                                                \
                            .arg(code)                                                             \
                            .arg(QString::fromUtf8((result).err))))

/// A checkpoint holds the reference run's parameters within 1e-5.
#define TRAINLAB_VERIFY_REFERENCE(reference, checkpoint)                                           \
    do {                                                                                           \
        const QString path_ = (checkpoint);                                                        \
        QVERIFY2(QFile::exists(path_), qPrintable(path_));                                         \
        const double difference_ = (reference).difference(path_);                                  \
        qInfo("largest parameter difference against the in-process run: %g", difference_);         \
        QVERIFY2(difference_ < 1e-5, qPrintable(QString::number(difference_)));                    \
    } while (false)
