#include "jobs/RunJob.h"

#include "base/OutOfMemory.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "data/InputSchema.h"
#include "jobs/RunEnvironment.h"
#include "jobs/RunSources.h"
#include "jobs/RunTelemetry.h"
#include "jobs/TrialGpuShare.h"
#include "parallel/Devices.h"
#include "parallel/Rendezvous.h"
#include "spec/SpecJson.h"
#include "store/ProcessToken.h"
#include "store/StoreError.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "sweep/SweepSpec.h"
#include "telemetry/NvmlLibrary.h"
#include "train/Checkpoint.h"
#include "train/DataParallelTrainer.h"
#include "train/Trainer.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QDir>
#include <QFile>
#include <chrono>
#include <tuple>

namespace trainlab {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the run's checkpoints were written on: any of its resumable ones will do, as every
// session of a run trains on as many ranks.
int storedWorldSize(const QString& checkpointDir) {
    if (checkpointDir.isEmpty())
        return 0;
    const QDir folder(checkpointDir);
    const QStringList last = folder.entryList({QStringLiteral("last-*.pt")}, QDir::Files);
    return last.isEmpty() ? 0 : checkpointWorldSize(folder.filePath(last.first()));
}

} // namespace

DeviceDemand runDemand(const ExperimentSpec& spec) {
    const QStringList devices = resolveDevices(spec.devices);
    DeviceDemand demand;
    if (devices.size() > 1) {
        // Several ranks: CPU ranks share the CPU slots the run is granted (Gloo). GPU ranks need
        // NCCL, which Debian's CPU LibTorch does not have.
        for (const QString& device : devices) {
            if (device != QLatin1String("cpu"))
                throw InputError(QStringLiteral("devices: training on several devices at once "
                                                "runs on CPU ranks only in this build (%1 "
                                                "needs NCCL); use [\"cpu\", \"cpu\"] or one "
                                                "device")
                                     .arg(device));
        }
        DataParallelTrainer::checkSplittable(spec, int(devices.size()));
    }
    if (devices.first() == QLatin1String("cpu"))
        demand.cpuSlots =
            spec.training.threads > 0 ? spec.training.threads : DeviceDemand::kAllCpuSlots;
    else
        demand.gpus = devices;
    return demand;
}

DeviceDemand trialDemand(const ExperimentSpec& spec, int trialsPerGpu, const QStringList& gpus,
                         std::optional<double> gpuBytes) {
    if (gpus.isEmpty() || spec.devices != QStringList{QStringLiteral("auto")})
        return runDemand(spec);
    DeviceDemand demand;
    demand.anyGpus = 1;
    if (trialsPerGpu == SweepSpec::kTrialsPerGpuByMemory)
        demand.gpuShare =
            gpuBytes ? gpuShareFor(estimateTrainingMemory(spec).total(), *gpuBytes) : 1.0;
    else
        demand.gpuShare = 1.0 / std::max(1, trialsPerGpu);
    return demand;
}

RunRequest resumeRequest(WorkspaceReader& workspace, qint64 runId) {
    const auto run = workspace.run(runId);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(workspace.path()).arg(runId));
    const RunStatus status = run->status;
    if (status == RunStatus::Completed || status == RunStatus::Pruned ||
        status == RunStatus::Queued)
        throw InputError(QStringLiteral("run %1 is %2; only cancelled, interrupted, failed or "
                                        "paused runs can be resumed")
                             .arg(runId)
                             .arg(runStatusName(status)));
    if ((status == RunStatus::Running || status == RunStatus::Paused) && !run->owner.isEmpty() &&
        isProcessAlive(run->owner) && run->owner != currentProcessToken())
        throw InputError(QStringLiteral("run %1 is %2 in another process (%3); resume it there")
                             .arg(runId)
                             .arg(runStatusName(status), run->owner));
    if (run->spec == QLatin1String("{}"))
        throw InputError(QStringLiteral("run %1 ran an external command; resume its sweep "
                                        "instead (trainlab-cli sweep --resume %2)")
                             .arg(runId)
                             .arg(run->sweep));
    RunRequest request;
    request.spec =
        specFromJson(parseJsonObject(run->spec), QStringLiteral("run %1's spec").arg(runId));
    request.params = run->params;
    request.resumeRun = runId;
    return request;
}

/// The state of one execution of a RunJob, on its worker thread.
class RunJob::Execution {
public:
    Execution(RunJob& job, JobContext& context)
        : job_(job)
        , context_(context)
        , spec_(job.request_.spec)
        , store_(context.store()) {}

    void run() {
        if (!joinCluster() || !prepareRow())
            return;
        RunStatus status = RunStatus::Failed;
        FailureKind failure = FailureKind::None;
        QString error;
        try {
            shareRun();
            status = train();
        } catch (const std::exception& e) {
            failure = failureKindOf(e);
            error = firstLineOf(e);
            if (rendezvous_) // the trainer's ranks tell theirs; this is for what came before
                rendezvous_->publishFailure(0, failure, error);
            if (isOutOfMemory(e)) {
                error = QStringLiteral("%1: out of memory (%2); a smaller training.batch_size or "
                                       "model may fit")
                            .arg(devicesText(), error);
                // In a sweep it is this point's size that did not fit: the trial fails, and the
                // sweep goes on (and learns) instead of stopping as if the workspace had failed.
                if (job_.trial_.sweepId > 0)
                    failure = FailureKind::Runtime;
            }
        }
        end(status, failure, error);
    }

private:
    /// Across processes: serves the rendezvous where the other processes join, before the
    /// run's row exists (a port in use stores nothing).
    bool joinCluster() {
        const auto& cluster = job_.cluster_;
        if (!cluster)
            return true;
        try {
            rendezvous_ = std::make_unique<Rendezvous>(*cluster);
        } catch (const std::exception& e) {
            job_.fail(failureKindOf(e), firstLineOf(e));
            return false;
        }
        message(QStringLiteral("rendezvous: %1, waiting for %2 ranks")
                    .arg(cluster->describe())
                    .arg(job_.worldSize_));
        return true;
    }

    /// Tells the other processes which run they train, with what spec, and from where.
    void shareRun() {
        if (!rendezvous_)
            return;
        const bool resume = !place_.resumeFrom.isEmpty();
        if (resume) {
            QFile file(place_.resumeFrom);
            if (!file.open(QIODevice::ReadOnly))
                throw InputError(QStringLiteral("%1: checkpoint not found").arg(place_.resumeFrom));
            rendezvous_->share(QStringLiteral("checkpoint"), file.readAll());
        }
        const QJsonObject run{{QStringLiteral("run"), place_.id},
                              {QStringLiteral("workspace"), place_.workspaceId},
                              {QStringLiteral("spec"), specToJson(spec_)},
                              {QStringLiteral("resume"), resume}};
        rendezvous_->share(QStringLiteral("run"), compactJson(run).toUtf8());
    }

    /// Creates the run's row, or continues the stored one.
    bool prepareRow() {
        const RunRequest& request = job_.request_;
        try {
            if (request.resumeRun > 0) {
                checkResumeWorldSize(request.resumeRun);
                place_ = store_.beginResume(request.resumeRun, devicesText());
            } else {
                NewRun row{spec_.name, compactJson(specToJson(spec_)), request.params,
                           job_.trial_.sweepId, job_.trial_.trial};
                place_ = store_.startRun(row, devicesText());
            }
        } catch (const std::exception& e) {
            job_.fail(failureKindOf(e), firstLineOf(e));
            if (rendezvous_)
                rendezvous_->publishFailure(0, failureKindOf(e), firstLineOf(e));
            return false;
        }
        recordEnvironment();
        job_.update([&](JobInfo& info) {
            info.runId = place_.id;
            info.sweepId = job_.trial_.sweepId;
            info.trial = job_.trial_.trial;
            info.status = RunStatus::Running;
        });
        message(QStringLiteral("run %1 (%2) on %3").arg(place_.id).arg(spec_.name, devicesText()));
        return true;
    }

    /// The environment this session runs in, and what earlier sessions used (a resumed run's
    /// energy series goes on from there). Neither is worth failing the run for.
    void recordEnvironment() {
        try {
            store_.setRunEnvironment(place_.id,
                                     runEnvironment(devicesText().split(QLatin1Char(',')),
                                                    job_.worldSize_, *NvmlLibrary::shared()));
            if (job_.request_.resumeRun > 0)
                if (const auto stored = store_.findRun(place_.id))
                    previousEnergyJ_ = stored->energyJ.value_or(0);
        } catch (const std::exception& e) {
            message(QStringLiteral("the run's environment was not stored: %1").arg(firstLineOf(e)));
        }
    }

    // Each rank's share of an epoch depends on the world size: a run continues only on as many
    // ranks as wrote its checkpoint. Checked before the stored run changes.
    void checkResumeWorldSize(qint64 run) {
        const auto record = store_.findRun(run);
        const int stored = record ? storedWorldSize(record->checkpointDir) : 0;
        if (stored > 0 && stored != job_.worldSize_)
            throw InputError(QStringLiteral("run %1 trained on %2 ranks; it continues only on %2 "
                                            "(each rank's share of an epoch depends on them), "
                                            "not on %3")
                                 .arg(run)
                                 .arg(stored)
                                 .arg(job_.worldSize_));
    }

    QString devicesText() const {
        const auto& cluster = job_.cluster_;
        if (cluster && cluster->fromTorchrun())
            return QStringLiteral("%1 ranks (torchrun)").arg(job_.worldSize_);
        if (cluster)
            return QStringLiteral("%1 on %2 nodes")
                .arg(resolveDevices(spec_.devices).join(QLatin1Char(',')))
                .arg(cluster->nodes);
        if (job_.worldSize_ > 1)
            return resolveDevices(spec_.devices).join(QLatin1Char(','));
        const DeviceGrant& grant = context_.grant();
        return grant.gpus.isEmpty() ? QStringLiteral("cpu") : grant.gpus.join(QLatin1Char(','));
    }

    RunStatus train() {
        startTelemetry();
        const DatasetCache cache;
        const DatasetSplits data = buildDataset(spec_.dataset, spec_.training.seed, &cache);
        message(QStringLiteral("data: %1 train, %2 validation, %3 test%4")
                    .arg(data.train.size())
                    .arg(data.validation.size())
                    .arg(data.test.size())
                    .arg(data.fromCache ? QStringLiteral(" (cached)") : QString()));
        if (data.normalization.enabled())
            store_.storeArtifact(place_.id, QStringLiteral("normalization"),
                                 normalizationToJson(data.normalization));
        // What predict and export need to read new inputs as this run's data was read.
        store_.storeArtifact(place_.id, QStringLiteral("input_schema"),
                             inputSchemaToJson(inputSchemaOf(data, spec_.dataset)));
        TrainerOptions options;
        const DeviceGrant& grant = context_.grant();
        options.device = grant.gpus.isEmpty() ? QStringLiteral("cpu") : grant.gpus.first();
        options.cpuThreads = std::max(1, grant.cpuSlots);
        options.checkpointDirectory = place_.checkpointDir;
        options.resumeFrom = place_.resumeFrom;
        if (spec_.training.initFrom.run > 0)
            std::tie(options.initFromPath, options.initFromSource) = checkpointOfRun(
                store_, spec_.training.initFrom.run, spec_.training.initFrom.checkpoint,
                QStringLiteral("training.init_from.run"));
        if (spec_.training.distill.enabled())
            options.teacher = teacherOf(store_, spec_.training.distill);
        options.owner =
            CheckpointOwner{specHash(spec_), place_.workspaceId, place_.id, job_.worldSize_};
        const TrainOutcome outcome = [&] {
            if (rendezvous_)
                return DataParallelTrainer(spec_, data, job_.control(), callbacks(), options,
                                           *rendezvous_, job_.ranks())
                    .run();
            if (job_.worldSize_ > 1)
                return DataParallelTrainer(spec_, data, job_.control(), callbacks(), options,
                                           job_.worldSize_)
                    .run();
            return Trainer(spec_, data, job_.control(), callbacks(), options).run();
        }();
        if (!store_.writeFailure().isEmpty())
            throw StoreError(store_.writeFailure());
        if (outcome.status == RunStatus::Cancelled && pruned_)
            return RunStatus::Pruned;
        // Closing under a run that is paused, or asked to pause: it stopped at a checkpoint
        // either way, and stays paused for a later process.
        const RunControl& control = job_.control();
        if (outcome.status == RunStatus::Cancelled && control.stopPaused.load() &&
            (paused_ || control.pause.load()))
            return RunStatus::Paused; // the program closed under a paused run
        return outcome.status;
    }

    // Samples once a second (CPU, memory, GPUs) and energy from here to the run's end.
    void startTelemetry() {
        RunTelemetry::Options options;
        options.run = place_.id;
        options.gpus = context_.grant().gpus;
        options.intervalMs = job_.request_.telemetryIntervalMs;
        options.previousEnergyJ = previousEnergyJ_;
        telemetry_ = std::make_unique<RunTelemetry>(store_, options);
    }

    /// What the trial's pruner counts at `point`: its step, epoch, or energy so far.
    double resourceUsed(const MetricPoint& point) const {
        const QString& resource = job_.trial_.resource;
        if (resource == QLatin1String("step"))
            return double(point.step);
        if (resource == QLatin1String("energy_j") && telemetry_)
            return telemetry_->runEnergyJ();
        return point.epoch;
    }

    TrainerCallbacks callbacks() {
        TrainerCallbacks callbacks;
        callbacks.metric = [this](int64_t step, double epoch, const QString& name, double value) {
            const MetricPoint point{place_.id, step, epoch, name, value, unixSecondsNow()};
            store_.appendMetric(point);
            context_.metric(point);
            progress(point);
            if (job_.trial_.shouldPrune && job_.trial_.shouldPrune(point, resourceUsed(point))) {
                pruned_ = true;
                // An energy budget's saving is judged by the epochs the trial did not train.
                lastResource_ =
                    job_.trial_.resource == QLatin1String("step") ? double(step) : epoch;
                job_.control().cancel.store(true);
            }
            if (++metricsSinceCheck_ >= 64) {
                metricsSinceCheck_ = 0;
                if (!store_.writeFailure().isEmpty())
                    throw StoreError(store_.writeFailure()); // stop now, not at the end
            }
        };
        // The energy used so far, once per log window: curves can be drawn against energy.
        callbacks.windowLogged = [this](int64_t step, double epoch) {
            if (!telemetry_)
                return;
            const double energyJ = telemetry_->runEnergyJ();
            const MetricPoint point{
                place_.id, step, epoch, QStringLiteral("energy_j"), energyJ, unixSecondsNow()};
            store_.appendMetric(point);
            context_.metric(point);
        };
        callbacks.message = [this](const QString& line) { message(line); };
        callbacks.artifact = [this](const QString& kind, const QJsonObject& payload) {
            store_.storeArtifact(place_.id, kind, payload);
        };
        callbacks.checkpoint = [this](int64_t step, double epoch, const QString& path, bool best,
                                      const QString& metric, double value) {
            store_.recordCheckpoint({place_.id, step, epoch, path, best, metric, value});
        };
        callbacks.planned = [this](int64_t totalSteps) {
            job_.update([&](JobInfo& info) {
                info.progress.totalSteps = totalSteps;
                info.progress.totalEpochs = spec_.training.epochs;
            });
        };
        callbacks.pauseChanged = [this](bool paused) {
            paused_ = paused;
            store_.setRunStatus(place_.id, paused ? RunStatus::Paused : RunStatus::Running);
            job_.setStatus(paused ? RunStatus::Paused : RunStatus::Running);
            message(paused ? QStringLiteral("paused at a checkpoint; it can be resumed later")
                           : QStringLiteral("resumed"));
        };
        return callbacks;
    }

    void progress(const MetricPoint& point) {
        const double elapsed = secondsSince(started_);
        job_.update([&](JobInfo& info) {
            JobProgress& p = info.progress;
            p.step = point.step;
            p.epoch = point.epoch;
            p.elapsedS = elapsed;
            p.latest.insert(point.name, point.value);
            const qint64 done = point.step - place_.resumeStep;
            if (p.totalSteps > 0 && done > 0)
                p.etaS = elapsed * double(p.totalSteps - point.step) / double(done);
        });
    }

    /// Stores the final state with this session's device time and energy.
    void end(RunStatus status, FailureKind failure, QString error) {
        // Rows this run logged that never reached the workspace make it a failed run, whatever
        // the trainer says (the last ones are written by this flush).
        store_.flush();
        if (failure == FailureKind::None && !store_.writeFailure().isEmpty()) {
            failure = FailureKind::Environment;
            error = store_.writeFailure();
        }
        if (failure != FailureKind::None)
            status = RunStatus::Failed;
        RunEnd end;
        end.run = place_.id;
        end.status = status;
        end.error = error;
        const DeviceGrant& grant = context_.grant();
        end.deviceHours =
            secondsSince(started_) / 3600.0 * double(std::max<qsizetype>(1, grant.gpus.size()));
        if (telemetry_) { // absent when its settings were refused: no figure rather than a guess
            telemetry_->stopSampling(); // no sample after the run's end
            const EnergyFigure energy = telemetry_->sessionEnergy();
            end.energyJ = energy.joules;
            end.energySource = energy.source;
            end.cost = telemetry_->costs().cost(energy.joules, *end.deviceHours);
        }
        if (status == RunStatus::Pruned)
            end.savedDeviceHours = savedDeviceHours(*end.deviceHours);
        try {
            store_.finishRun(end);
            store_.flush();
        } catch (const std::exception& e) {
            const bool saidAlready = failure == FailureKind::Environment;
            status = RunStatus::Failed;
            failure = failureKindOf(e);
            // The workspace's failure was said once already: it is why this write failed too.
            if (!saidAlready)
                error +=
                    (error.isEmpty() ? QString() : QStringLiteral("; ")) +
                    QStringLiteral("its final state could not be stored: %1").arg(firstLineOf(e));
            if (end.status != RunStatus::Failed)
                recordFailure(end, error);
        }
        job_.update([&](JobInfo& info) {
            info.status = status;
            info.failure = failure;
            info.error = error;
        });
        message(QStringLiteral("run %1 %2%3")
                    .arg(place_.id)
                    .arg(runStatusName(status),
                         error.isEmpty() ? QString() : QStringLiteral(": ") + error));
    }

    /// A `completed` (or cancelled) end was refused: store the run as failed if the workspace
    /// takes it now, so the row does not stay `running`.
    void recordFailure(RunEnd end, const QString& error) {
        end.status = RunStatus::Failed;
        end.error = error;
        try {
            store_.finishRun(end);
        } catch (const std::exception&) {
            // Still unwritable: the row reads `interrupted` once the workspace opens again.
        }
    }

    // The compute a pruned trial did not use: its device time, scaled by what it skipped.
    double savedDeviceHours(double hoursUsed) const {
        const double done = std::max(1.0, lastResource_);
        const double planned =
            job_.trial_.resource == QLatin1String("step") && spec_.training.maxSteps > 0
                ? double(spec_.training.maxSteps)
                : double(spec_.training.epochs);
        return hoursUsed * std::max(0.0, planned - done) / done;
    }

    void message(const QString& line) { context_.message(line); }

    RunJob& job_;
    JobContext& context_;
    const ExperimentSpec& spec_;
    StoreWriter& store_;
    /// Across processes; destroyed last, after the run's end is stored (its destructor waits a
    /// moment for the other processes to leave).
    std::unique_ptr<Rendezvous> rendezvous_;
    RunPlace place_;
    Clock::time_point started_ = Clock::now();
    std::unique_ptr<RunTelemetry> telemetry_;
    double previousEnergyJ_ = 0;
    bool pruned_ = false;
    bool paused_ = false; ///< held at a checkpoint, stored as paused
    double lastResource_ = 0;
    int metricsSinceCheck_ = 0;
};

namespace {

/// The devices a run trains on: those the pool places it on (a sweep's trial), or its spec's.
int deviceCountOf(const RunRequest& request) {
    if (request.demand && request.demand->anyGpus > 0)
        return request.demand->anyGpus;
    return int(resolveDevices(request.spec.devices).size());
}

int worldSizeOf(const RunRequest& request, const std::optional<ClusterLayout>& cluster) {
    const int devices = deviceCountOf(request);
    return cluster ? cluster->ranks(devices).worldSize : devices;
}

} // namespace

RunJob::RunJob(RunRequest request, TrialHooks trial, std::optional<ClusterLayout> cluster)
    : Job(worldSizeOf(request, cluster) > 1 ? JobKind::DataParallelRun : JobKind::Run,
          request.spec.name)
    , request_(std::move(request))
    , trial_(std::move(trial))
    , cluster_(std::move(cluster))
    , demand_(request_.demand ? *request_.demand : runDemand(request_.spec))
    , worldSize_(worldSizeOf(request_, cluster_)) {
    if (cluster_ && !cluster_->isMaster())
        throw std::logic_error("RunJob: only the process with rank 0 writes the run");
    DataParallelTrainer::checkSplittable(request_.spec, worldSize_);
    update([&](JobInfo& info) {
        info.sweepId = trial_.sweepId;
        info.trial = trial_.trial;
    });
}

RunJob::~RunJob() = default;

RankRange RunJob::ranks() const {
    const int devices = deviceCountOf(request_);
    return cluster_ ? cluster_->ranks(devices) : RankRange{0, worldSize_, worldSize_};
}

DeviceDemand RunJob::demand() const {
    return demand_;
}

void RunJob::execute(JobContext& context) {
    try {
        Execution(*this, context).run();
    } catch (const std::exception& e) {
        fail(failureKindOf(e), firstLineOf(e));
    }
}

} // namespace trainlab
