#include "jobs/ClusterWorker.h"

#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "parallel/Devices.h"
#include "parallel/Rendezvous.h"
#include "spec/SpecJson.h"
#include "train/DataParallelTrainer.h"
#include "util/Json.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>

namespace trainlab {

namespace {

// The run rank 0's process shared, checked against what this node was asked to do.
struct SharedRun {
    qint64 id = 0;
    QString workspaceId;
    ExperimentSpec spec;
    bool resume = false;
};

SharedRun sharedRun(Rendezvous& rendezvous, const ClusterWorkerRequest& request) {
    const QJsonObject json =
        parseJsonObject(QString::fromUtf8(rendezvous.fetch(QStringLiteral("run"))));
    SharedRun run;
    run.id = json.value(QStringLiteral("run")).toInteger();
    run.workspaceId = json.value(QStringLiteral("workspace")).toString();
    run.resume = json.value(QStringLiteral("resume")).toBool();
    run.spec = specFromJson(json.value(QStringLiteral("spec")).toObject(),
                            QStringLiteral("rank 0's spec (run %1)").arg(run.id));
    if (request.runId > 0 && request.runId != run.id)
        throw InputError(QStringLiteral("resume %1: rank 0's process continues run %2 of its "
                                        "workspace, not %1")
                             .arg(request.runId)
                             .arg(run.id));
    if (!request.specHash.isEmpty() && request.specHash != specHash(run.spec))
        throw InputError(QStringLiteral("this node's spec differs from the one rank 0 runs (run "
                                        "%1); every node must start the same spec with the "
                                        "same --set values")
                             .arg(run.id));
    return run;
}

// The file a resume starts from, as rank 0's process read it.
QString receivedCheckpoint(Rendezvous& rendezvous, const QTemporaryDir& scratch) {
    const QString path = scratch.filePath(QStringLiteral("resume.pt"));
    QFile file(path);
    const QByteArray bytes = rendezvous.fetch(QStringLiteral("checkpoint"));
    if (!scratch.isValid() || !file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        throw EnvironmentError(
            QStringLiteral("%1: cannot keep the checkpoint to resume from").arg(path));
    return path;
}

} // namespace

ClusterWorkerResult runClusterWorker(const ClusterWorkerRequest& request, RunControl& control,
                                     const std::function<void(const QString&)>& message) {
    ClusterWorkerResult result;
    std::unique_ptr<Rendezvous> rendezvous;
    // Who to name when this process fails before it knows its ranks.
    int firstRank = request.layout.fromTorchrun() ? request.layout.rank : request.layout.nodeRank;
    try {
        message(QStringLiteral("rendezvous: %1").arg(request.layout.describe()));
        rendezvous = std::make_unique<Rendezvous>(request.layout);
        const SharedRun run = sharedRun(*rendezvous, request);
        result.runId = run.id;
        const QStringList devices = resolveDevices(run.spec.devices);
        const RankRange ranks = request.layout.ranks(int(devices.size()));
        firstRank = ranks.first;
        DataParallelTrainer::checkSplittable(run.spec, ranks.worldSize);
        message(QStringLiteral("run %1 of rank 0's workspace: ranks %2-%3 of %4 here")
                    .arg(run.id)
                    .arg(ranks.first)
                    .arg(ranks.first + ranks.count - 1)
                    .arg(ranks.worldSize));

        TrainerOptions options;
        options.device = devices.value(request.layout.deviceIndex(int(devices.size())));
        options.cpuThreads =
            run.spec.training.threads > 0 ? run.spec.training.threads : QThread::idealThreadCount();
        options.owner =
            CheckpointOwner{specHash(run.spec), run.workspaceId, run.id, ranks.worldSize};
        const QTemporaryDir scratch;
        if (run.resume)
            options.resumeFrom = receivedCheckpoint(*rendezvous, scratch);
        const DatasetCache cache;
        const DatasetSplits data = buildDataset(run.spec.dataset, run.spec.training.seed, &cache);
        TrainerCallbacks callbacks;
        callbacks.message = message;
        const TrainOutcome outcome =
            DataParallelTrainer(run.spec, data, control, callbacks, options, *rendezvous, ranks)
                .run();
        result.status = outcome.status;
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.failure = failureKindOf(e);
        result.error = firstLineOf(e);
        if (rendezvous)
            rendezvous->publishFailure(firstRank, result.failure, result.error);
    }
    return result;
}

} // namespace trainlab
