#include "Commands.h"
#include "JobRunner.h"

#include "base/Errors.h"
#include "jobs/ClusterWorker.h"
#include "jobs/RunJob.h"
#include "jobs/SweepJob.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QTextStream>
#include <mutex>

namespace trainlab::cli {

namespace {

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

QJsonObject overridesAsParams(const QStringList& sets) {
    QJsonObject params;
    for (const QString& assignment : sets) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        params.insert(assignment.left(eq).trimmed(), parseOverrideValue(assignment.mid(eq + 1)));
    }
    return params;
}

// Runs one request through the Backend; prints the `show` document (or where to find it).
int executeRun(RunRequest request, const CliArgs& args, std::optional<ClusterLayout> cluster = {}) {
    const QString dbPath = databasePath(args);
    prepareWorkspace(dbPath); // a bad workspace fails before anything trains
    const JobInfo job = runJobToEnd(
        std::make_unique<RunJob>(std::move(request), TrialHooks{}, std::move(cluster)), dbPath);
    if (job.runId == 0) {
        err() << "trainlab-cli: " << job.error << Qt::endl;
        return exitCodeOf(job);
    }
    WorkspaceReader workspace(dbPath);
    const auto run = workspace.run(job.runId);
    if (args.json && run)
        printJson(workspace.runReport(*run));
    else
        err() << "results: trainlab-cli show " << job.runId << " --db " << dbPath << Qt::endl;
    if (job.status != RunStatus::Completed && !job.error.isEmpty())
        err() << "trainlab-cli: run " << job.runId << " " << runStatusName(job.status) << ": "
              << job.error << Qt::endl;
    return exitCodeOf(job);
}

// The ranks live in several processes: from the flags, else from torchrun's variables (unless
// the flags said one node).
std::optional<ClusterLayout> clusterOf(const CliArgs& args) {
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (auto layout = clusterFromOptions(args.nodes, args.nodeRank, args.master, environment))
        return layout;
    if (!args.nodes.isEmpty())
        return std::nullopt;
    return clusterFromEnvironment(environment);
}

// A process without rank 0: trains its ranks of the master's run and writes nothing.
int workerRun(ClusterWorkerRequest request, const CliArgs& args) {
    RunControl control;
    ClusterWorkerResult result;
    std::mutex printing; // the worker and its first rank's thread both speak
    runWithStopSignals(
        [&] {
            result = runClusterWorker(request, control, [&](const QString& line) {
                std::lock_guard lock(printing);
                err() << line << Qt::endl;
            });
        },
        [&] { control.cancel.store(true); });
    if (args.json)
        printJson(QJsonObject{{QStringLiteral("run"), result.runId},
                              {QStringLiteral("status"), runStatusName(result.status)},
                              {QStringLiteral("error"), result.error}});
    if (result.status == RunStatus::Completed) {
        err() << "run " << result.runId << " completed; rank 0's process stored it" << Qt::endl;
        return kExitOk;
    }
    // Before it learned the run (no master, a bad spec), the error alone says what is wrong.
    if (result.runId == 0)
        err() << "trainlab-cli: " << result.error << Qt::endl;
    else
        err() << "trainlab-cli: run " << result.runId << " " << runStatusName(result.status)
              << (result.error.isEmpty() ? QString() : QStringLiteral(": ") + result.error)
              << Qt::endl;
    JobInfo info;
    info.status = result.status;
    info.failure = result.failure;
    return exitCodeOf(info);
}

} // namespace

int runCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("run takes one spec file"));
    QStringList sets = args.sets;
    if (!args.devices.isEmpty()) {
        const QStringList devices = args.devices.split(QLatin1Char(','), Qt::SkipEmptyParts);
        sets << QStringLiteral("devices=") +
                    QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(devices))
                                          .toJson(QJsonDocument::Compact));
    }
    RunRequest request;
    request.spec = loadSpecFile(args.positional.first(), sets);
    request.params = overridesAsParams(args.sets);
    std::optional<ClusterLayout> cluster = clusterOf(args);
    if (cluster && !cluster->isMaster())
        return workerRun({*cluster, specHash(request.spec), 0}, args);
    return executeRun(std::move(request), args, std::move(cluster));
}

int resumeCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    if (!args.devices.isEmpty())
        throw InputError(QStringLiteral("--devices: a run continues on the devices it was "
                                        "started on (see trainlab-cli show %1)")
                             .arg(id));
    const std::optional<ClusterLayout> cluster = clusterOf(args);
    if (cluster && !cluster->isMaster())
        return workerRun({*cluster, QString(), id}, args);
    WorkspaceReader workspace(databasePath(args));
    return executeRun(resumeRequest(workspace, id), args, cluster);
}

int sweepCommand(const CliArgs& args) {
    const QString dbPath = databasePath(args);
    SweepDefinition definition;
    qint64 resume = 0;
    if (!args.resumeSweep.isEmpty()) {
        bool ok = false;
        resume = args.resumeSweep.toLongLong(&ok);
        if (!ok || resume <= 0)
            throw InputError(QStringLiteral("'%1' is not a sweep id").arg(args.resumeSweep));
        WorkspaceReader workspace(dbPath);
        if (args.moreTrials.isEmpty()) {
            definition = resumeSweepDefinition(workspace, resume);
        } else {
            const int more = args.moreTrials.toInt(&ok);
            if (!ok || more < 1)
                throw InputError(QStringLiteral("--more-trials: '%1' is not a positive number")
                                     .arg(args.moreTrials));
            definition = extendedSweepDefinition(workspace, resume, more);
        }
    } else {
        if (args.positional.size() != 1)
            throw InputError(QStringLiteral("sweep takes one spec file (or --resume SWEEP)"));
        if (!args.moreTrials.isEmpty())
            throw InputError(QStringLiteral("--more-trials extends a stored sweep: use it with "
                                            "--resume SWEEP"));
        definition = loadSweepDefinition(args.positional.first(), args.sets);
    }
    prepareWorkspace(dbPath);
    const JobInfo job =
        runJobToEnd(std::make_unique<SweepJob>(std::move(definition), resume), dbPath);
    if (job.sweepId == 0) {
        err() << "trainlab-cli: " << job.error << Qt::endl;
        return exitCodeOf(job);
    }
    WorkspaceReader workspace(dbPath);
    if (const auto stored = workspace.sweep(job.sweepId)) {
        if (args.json)
            printJson(workspace.sweepReport(*stored));
        else
            printSweepText(workspace.sweepReport(*stored));
    }
    if (job.status != RunStatus::Completed && !job.error.isEmpty())
        err() << "trainlab-cli: sweep " << job.sweepId << " " << runStatusName(job.status) << ": "
              << job.error << Qt::endl;
    return exitCodeOf(job);
}

} // namespace trainlab::cli
