#include "jobs/SweepJob.h"

#include "jobs/CommandTrial.h"
#include "jobs/CommandTrialJob.h"
#include "jobs/RunJob.h"
#include "jobs/TrialGpuShare.h"
#include "parallel/Devices.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "store/ProcessToken.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "sweep/SweepStrategy.h"
#include "sweep/TrialPruner.h"
#include "telemetry/CostSettings.h"
#include "telemetry/NvmlLibrary.h"
#include "util/Json.h"

#include <map>

namespace trainlab {

namespace {

QJsonArray objectivesJson(const SweepSpec& sweep) {
    QJsonArray array;
    for (const auto& o : sweep.objectives)
        array.append(
            QJsonObject{{QStringLiteral("metric"), o.metric},
                        {QStringLiteral("goal"),
                         o.maximize ? QStringLiteral("maximize") : QStringLiteral("minimize")}});
    return array;
}

} // namespace

/// The state of one execution of a sweep, on its coordinating thread.
class SweepJob::Execution {
public:
    Execution(SweepJob& job, JobContext& context)
        : job_(job)
        , context_(context)
        , def_(job.definition_)
        , sweep_(def_.sweep)
        , store_(context.store())
        , pruner_(makePruner(sweep_.earlyStop.type, sweep_.earlyStop.min,
                             sweep_.earlyStop.reduction,
                             !sweep_.objectives.isEmpty() && sweep_.objectives.first().maximize)) {}

    void run() {
        if (!costObjectiveIsPriced() || !openSweep())
            return;
        try {
            strategy_ = makeStrategy(sweep_.strategy, sweep_.space, uint64_t(sweep_.seed),
                                     sweep_.gridSteps, sweep_.initialPoints);
        } catch (const InputError& e) {
            end(RunStatus::Failed, FailureKind::BadInput, e.message());
            return;
        }
        RunControl& control = job_.control();
        while (true) {
            handleEndedTrials();
            if (control.cancel.load() || !environmentError_.isEmpty()) {
                stopTrials();
                break;
            }
            if (control.pause.load() != paused_)
                applyPause(control.pause.load());
            if (!paused_)
                launchTrials();
            if (active_.empty() && toContinue_.empty() &&
                (nextTrial_ > sweep_.trials || exhausted_))
                break;
            waitForEvent();
        }
        finish();
    }

private:
    /// A cost objective with no price set would read every trial as failed: refused up front,
    /// naming the setting to set. (A command's trials report their own metrics instead.)
    bool costObjectiveIsPriced() {
        for (qsizetype i = 0; i < sweep_.objectives.size() && !sweep_.external(); ++i) {
            if (sweep_.objectives[i].metric != QLatin1String("cost"))
                continue;
            try {
                if (CostSettings::resolve(store_.settings()).priced())
                    return true;
                job_.fail(FailureKind::BadInput,
                          QStringLiteral("sweep.objective[%1]: cost needs a price, and none is set "
                                         "(trainlab-cli settings set price_per_kwh VALUE, or "
                                         "price_per_device_hour)")
                              .arg(i));
            } catch (const std::exception& e) {
                job_.fail(failureKindOf(e), firstLineOf(e));
            }
            return false;
        }
        return true;
    }

    /// Creates the sweep's row, or reopens the stored one and sorts its trials into those
    /// done (the strategy learns from them) and those to continue on their own rows.
    bool openSweep() {
        try {
            if (job_.resumeSweep_ > 0) {
                sweepId_ = job_.resumeSweep_;
                store_.setSweepStatus(sweepId_, RunStatus::Running);
                // Given more trials, the new total is what a later resume continues to.
                if (const auto stored = store_.findSweep(sweepId_);
                    stored && stored->spec != def_.fullSpec)
                    store_.setSweepSpec(sweepId_, def_.fullSpec);
                for (const TrialRecord& t : store_.sweepTrials(sweepId_)) {
                    nextTrial_ = std::max(nextTrial_, t.trial + 1);
                    const RunStatus s = t.run.status;
                    if (s == RunStatus::Completed || s == RunStatus::Pruned ||
                        s == RunStatus::Failed) {
                        observed_.push_back({t.run.params, s == RunStatus::Failed
                                                               ? std::nullopt
                                                               : objectiveFrom(t.metrics)});
                        countEnded(s, t.run.error);
                    } else {
                        toContinue_.push_back({t.trial, t.run.params, t.run.id});
                    }
                }
                message(QStringLiteral("resuming sweep %1: %2 trials done, %3 to continue")
                            .arg(sweepId_)
                            .arg(observed_.size())
                            .arg(toContinue_.size()));
            } else {
                sweepId_ = store_.createSweep({def_.name, sweep_.strategy, def_.fullSpec,
                                               sweep_.spaceJson, objectivesJson(sweep_)});
            }
        } catch (const std::exception& e) {
            job_.fail(failureKindOf(e), firstLineOf(e));
            return false;
        }
        job_.update([&](JobInfo& info) {
            info.sweepId = sweepId_;
            info.status = RunStatus::Running;
            info.progress.trialsTotal = sweep_.trials;
            info.progress.trialsDone = ended_;
        });
        message(QStringLiteral("sweep %1 started").arg(sweepId_));
        return true;
    }

    void waitForEvent() {
        RunControl& control = job_.control();
        std::unique_lock lock(job_.eventsMutex_);
        job_.events_.wait(lock, [&] {
            return !job_.endedTrials_.empty() || control.cancel.load() ||
                   control.pause.load() != paused_;
        });
    }

    void handleEndedTrials() {
        std::deque<JobInfo> ended;
        {
            std::lock_guard lock(job_.eventsMutex_);
            ended.swap(job_.endedTrials_);
        }
        for (const JobInfo& info : ended)
            onTrialEnded(info);
    }

    // Fills the free places. A point that fails validation ends at once without an event,
    // so proposing goes on until the places are full, the budget is spent or the space is.
    void launchTrials() {
        for (;;) {
            while (int(active_.size()) < sweep_.parallel && !toContinue_.empty() &&
                   environmentError_.isEmpty()) {
                const Continuation next = toContinue_.front();
                toContinue_.pop_front();
                launch(next.trial, next.point, next.run);
            }
            const int room =
                std::min(sweep_.parallel - int(active_.size()), sweep_.trials - nextTrial_ + 1);
            if (room <= 0 || exhausted_ || !environmentError_.isEmpty())
                return;
            std::vector<SweepPoint> pending;
            for (const auto& [trial, active] : active_)
                pending.push_back(active.point);
            const auto points = strategy_->propose(room, observed_, pending);
            exhausted_ = points.empty();
            for (const SweepPoint& point : points)
                launch(nextTrial_++, point, 0);
        }
    }

    /// Starts trial `trial` at `point`, as a new run or continuing stored run `run`.
    void launch(int trial, const SweepPoint& point, qint64 run) {
        TrialHooks hooks;
        hooks.sweepId = sweepId_;
        hooks.trial = trial;
        hooks.resource = sweep_.earlyStop.resource;
        std::unique_ptr<Job> child;
        QJsonObject json = def_.base;
        try {
            if (sweep_.external()) {
                child = std::make_unique<CommandTrialJob>(expandCommand(sweep_.command, point),
                                                          sweep_.timeoutS, point, trialName(trial),
                                                          hooks, run, threadsPerTrial());
            } else {
                hooks.shouldPrune = [this, trial](const MetricPoint& p, double resourceUsed) {
                    return prune(trial, p, resourceUsed);
                };
                RunRequest request;
                if (run > 0) {
                    const auto stored = store_.findRun(run);
                    request.spec = specFromJson(parseJsonObject(stored ? stored->spec : QString()),
                                                QStringLiteral("trial %1").arg(trial));
                    request.resumeRun = run;
                } else {
                    for (auto it = point.begin(); it != point.end(); ++it)
                        setSpecValue(json, it.key(), it.value());
                    if (!point.contains(QStringLiteral("training.threads")))
                        setSpecValue(json, QStringLiteral("training.threads"), threadsPerTrial());
                    json.insert(QStringLiteral("name"), trialName(trial));
                    request.spec = specFromJson(json, QStringLiteral("trial %1").arg(trial));
                }
                request.params = point;
                const QStringList gpus = cudaDeviceNames();
                const bool byMemory =
                    sweep_.trialsPerGpu == SweepSpec::kTrialsPerGpuByMemory && !gpus.isEmpty();
                const std::optional<double> gpuBytes =
                    byMemory ? smallestGpuMemory(gpus, *NvmlLibrary::shared()) : std::nullopt;
                request.demand = trialDemand(request.spec, sweep_.trialsPerGpu, gpus, gpuBytes);
                if (byMemory && request.demand->anyGpus > 0)
                    message(gpuShareNote(trial, request.spec, request.demand->gpuShare, gpuBytes,
                                         NvmlLibrary::shared()->status()));
                child = std::make_unique<RunJob>(std::move(request), hooks);
            }
        } catch (const InputError& e) {
            recordInvalidTrial(trial, point, json, run, e.message());
            return;
        } catch (const std::exception& e) {
            // Reading a trial to continue failed: the workspace did, and the loop stops on it.
            if (environmentError_.isEmpty())
                environmentError_ = firstLineOf(e);
            toContinue_.push_back({trial, point, run});
            return;
        }
        // The child may end before submitChild returns; its event waits for this thread.
        const qint64 id =
            context_.submitChild(std::move(child), [job = &job_](const JobInfo& info) {
                {
                    std::lock_guard lock(job->eventsMutex_);
                    job->endedTrials_.push_back(info);
                }
                job->wake();
            });
        active_[trial] = {point, id};
        updateProgress();
    }

    bool prune(int trial, const MetricPoint& point, double resourceUsed) {
        if (!pruner_ || sweep_.objectives.isEmpty() ||
            point.name != sweep_.objectives.first().metric)
            return false;
        std::lock_guard lock(prunerMutex_); // trials report from their own threads
        return pruner_->report(trial, resourceUsed, point.value);
    }

    // A point whose spec does not validate is a failed trial carrying the message.
    void recordInvalidTrial(int trial, const SweepPoint& point, const QJsonObject& json, qint64 run,
                            const QString& error) {
        try {
            const qint64 id =
                run > 0
                    ? run
                    : store_
                          .createRun({trialName(trial), compactJson(json), point, sweepId_, trial})
                          .id;
            store_.finishRun({id, RunStatus::Failed, error, {}, {}, {}, {}, {}});
        } catch (const std::exception& e) {
            message(
                QStringLiteral("trial %1 could not be stored: %2").arg(trial).arg(firstLineOf(e)));
            if (failureKindOf(e) == FailureKind::Environment && environmentError_.isEmpty())
                environmentError_ = firstLineOf(e);
        }
        observed_.push_back({point, std::nullopt});
        countEnded(RunStatus::Failed, error);
        message(QStringLiteral("trial %1 failed: %2").arg(trial).arg(error));
        updateProgress();
    }

    void onTrialEnded(const JobInfo& info) {
        const auto it = active_.find(info.trial);
        if (it == active_.end())
            return;
        const SweepPoint point = it->second.point;
        active_.erase(it);
        if (info.failure == FailureKind::Environment && environmentError_.isEmpty())
            environmentError_ = QStringLiteral("trial %1 (run %2): %3")
                                    .arg(info.trial)
                                    .arg(info.runId)
                                    .arg(info.error);
        std::optional<double> objective;
        switch (info.status) {
        case RunStatus::Completed:
        case RunStatus::Pruned:
            try {
                objective = objectiveFrom(trialResults(info.runId));
            } catch (const std::exception& e) {
                if (environmentError_.isEmpty())
                    environmentError_ = firstLineOf(e);
            }
            observed_.push_back({point, objective});
            break;
        case RunStatus::Failed:
            observed_.push_back({point, std::nullopt});
            break;
        default:
            // Stopped with the sweep (cancelled, or paused at shutdown): continued on resume.
            toContinue_.push_back({info.trial, point, info.runId});
            updateProgress();
            return;
        }
        countEnded(info.status, info.error);
        QString summary = info.error;
        if (summary.isEmpty() && objective)
            summary = QStringLiteral("%1 %2")
                          .arg(sweep_.objectives.first().metric)
                          .arg(sweep_.objectives.first().maximize ? -*objective : *objective);
        message(QStringLiteral("trial %1 (run %2) %3%4")
                    .arg(info.trial)
                    .arg(info.runId)
                    .arg(runStatusName(info.status),
                         summary.isEmpty() ? QString() : QStringLiteral(": ") + summary));
        updateProgress();
    }

    void applyPause(bool paused) {
        paused_ = paused;
        if (paused && job_.control().stopPaused.load())
            return; // closing: the trials stay paused on their own
        for (const auto& [trial, active] : active_)
            context_.setJobPaused(active.jobId, paused);
        const RunStatus status = paused ? RunStatus::Paused : RunStatus::Running;
        try {
            store_.setSweepStatus(sweepId_, status);
        } catch (const std::exception& e) {
            message(QStringLiteral("could not store the sweep's state: %1").arg(firstLineOf(e)));
        }
        job_.setStatus(status);
    }

    /// Cancels the running trials (they keep what they logged) and waits until all ended.
    void stopTrials() {
        for (const auto& [trial, active] : active_)
            context_.cancelJob(active.jobId);
        while (!active_.empty()) {
            {
                std::unique_lock lock(job_.eventsMutex_);
                job_.events_.wait(lock, [&] { return !job_.endedTrials_.empty(); });
            }
            handleEndedTrials();
        }
    }

    void finish() {
        const RunControl& control = job_.control();
        RunStatus status = RunStatus::Completed;
        FailureKind failure = FailureKind::None;
        QString error;
        if (!environmentError_.isEmpty()) {
            // The workspace, the disk or memory failed: the same would befall every later trial.
            status = RunStatus::Failed;
            failure = FailureKind::Environment;
            error = environmentError_;
        } else if (control.cancel.load())
            status =
                control.stopPaused.load() && paused_ ? RunStatus::Paused : RunStatus::Cancelled;
        else if (!store_.writeFailure().isEmpty()) {
            status = RunStatus::Failed;
            failure = FailureKind::Environment;
            error = store_.writeFailure();
        } else if (ended_ > 0 && failed_ == ended_) {
            status = RunStatus::Failed;
            failure = FailureKind::Runtime;
            error = QStringLiteral("every trial failed; the first: %1").arg(firstError_);
        }
        QJsonObject importance;
        if (auto* bayesian = dynamic_cast<BayesianStrategy*>(strategy_.get()))
            importance = bayesian->importance();
        if (importance.isEmpty())
            importance = parameterImportance(sweep_.space, observed_, uint64_t(sweep_.seed));
        end(status, failure, error, importance);
    }

    void end(RunStatus status, FailureKind failure, QString error,
             const QJsonObject& importance = {}) {
        const auto storeFailed = [&](const std::exception& e) {
            const bool saidAlready = failure == FailureKind::Environment;
            status = RunStatus::Failed;
            failure = failureKindOf(e);
            // The workspace's failure was said once already: it is why this write failed too.
            if (!saidAlready)
                error =
                    QStringLiteral("its final state could not be stored: %1").arg(firstLineOf(e));
        };
        try {
            if (!importance.isEmpty() && status != RunStatus::Failed)
                store_.setSweepImportance(sweepId_, importance);
        } catch (const std::exception& e) {
            storeFailed(e);
        }
        try {
            store_.setSweepStatus(sweepId_, status, error, status == RunStatus::Paused);
            store_.flush();
        } catch (const std::exception& e) {
            const bool wasFailed = status == RunStatus::Failed;
            storeFailed(e);
            if (!wasFailed) {
                try { // record the failure, if the workspace takes it now
                    store_.setSweepStatus(sweepId_, status, error);
                } catch (const std::exception&) {
                }
            }
        }
        job_.update([&](JobInfo& info) {
            info.status = status;
            info.failure = failure;
            info.error = error;
        });
        message(QStringLiteral("sweep %1 %2%3")
                    .arg(sweepId_)
                    .arg(runStatusName(status),
                         error.isEmpty() ? QString() : QStringLiteral(": ") + error));
    }

    /// A trial's last metrics and its own energy, device hours and cost: what objectives read.
    QMap<QString, double> trialResults(qint64 run) {
        QMap<QString, double> metrics = store_.finalMetrics(run);
        if (const auto record = store_.findRun(run))
            metrics = withRunFigures(metrics, *record);
        return metrics;
    }

    std::optional<double> objectiveFrom(const QMap<QString, double>& metrics) const {
        if (sweep_.objectives.isEmpty() || !metrics.contains(sweep_.objectives.first().metric))
            return std::nullopt;
        const double value = metrics.value(sweep_.objectives.first().metric);
        return sweep_.objectives.first().maximize ? -value : value; // strategies minimize
    }

    void countEnded(RunStatus status, const QString& error) {
        ++ended_;
        if (status == RunStatus::Failed) {
            ++failed_;
            if (firstError_.isEmpty())
                firstError_ = error;
        }
    }

    void updateProgress() {
        job_.update([&](JobInfo& info) {
            info.progress.trialsDone = ended_;
            info.progress.trialsRunning = int(active_.size());
        });
    }

    int threadsPerTrial() const {
        return std::max(1, context_.cpuSlots() / std::max(1, sweep_.parallel));
    }

    QString trialName(int trial) const {
        return QStringLiteral("%1-trial-%2").arg(def_.name).arg(trial);
    }

    void message(const QString& line) { context_.message(line); }

    struct Continuation {
        int trial;
        SweepPoint point;
        qint64 run;
    };
    struct Active {
        SweepPoint point;
        qint64 jobId = 0;
    };

    SweepJob& job_;
    JobContext& context_;
    const SweepDefinition& def_;
    const SweepSpec& sweep_;
    StoreWriter& store_;
    qint64 sweepId_ = 0;
    std::unique_ptr<SweepStrategy> strategy_;
    std::unique_ptr<TrialPruner> pruner_;
    std::mutex prunerMutex_;
    std::vector<Observation> observed_;
    std::deque<Continuation> toContinue_;
    std::map<int, Active> active_; ///< by trial number
    int nextTrial_ = 1;
    bool exhausted_ = false;
    bool paused_ = false;
    int ended_ = 0;
    int failed_ = 0;
    QString firstError_;
    /// Why a trial could not go on that no other trial would escape (the workspace, the disk
    /// or memory failed); set, it stops the sweep as failed with FailureKind::Environment.
    QString environmentError_;
};

SweepJob::SweepJob(SweepDefinition definition, qint64 resumeSweep)
    : Job(JobKind::Sweep, definition.name)
    , definition_(std::move(definition))
    , resumeSweep_(resumeSweep) {}

SweepJob::~SweepJob() = default;

void SweepJob::execute(JobContext& context) {
    try {
        Execution(*this, context).run();
    } catch (const std::exception& e) {
        fail(failureKindOf(e), firstLineOf(e));
    }
}

void SweepJob::wake() {
    std::lock_guard lock(eventsMutex_); // so a waiter cannot miss the change
    events_.notify_all();
}

void SweepJob::cancel() {
    Job::cancel();
    wake();
}

void SweepJob::setPaused(bool paused) {
    Job::setPaused(paused);
    wake();
}

void SweepJob::shutdown() {
    Job::shutdown();
    wake();
}

SweepDefinition resumeSweepDefinition(WorkspaceReader& workspace, qint64 sweepId) {
    const auto stored = workspace.sweep(sweepId);
    if (!stored)
        throw InputError(QStringLiteral("%1: no sweep %2").arg(workspace.path()).arg(sweepId));
    if (stored->status == RunStatus::Completed)
        throw InputError(QStringLiteral("sweep %1 is completed; nothing to resume").arg(sweepId));
    if ((stored->status == RunStatus::Running || stored->status == RunStatus::Paused) &&
        !stored->owner.isEmpty() && isProcessAlive(stored->owner) &&
        stored->owner != currentProcessToken())
        throw InputError(QStringLiteral("sweep %1 is %2 in another process (%3); resume it there")
                             .arg(sweepId)
                             .arg(runStatusName(stored->status), stored->owner));
    return sweepDefinitionFromJson(stored->spec, QStringLiteral("sweep %1's spec").arg(sweepId));
}

SweepDefinition extendedSweepDefinition(WorkspaceReader& workspace, qint64 sweepId,
                                        int moreTrials) {
    const auto stored = workspace.sweep(sweepId);
    if (!stored)
        throw InputError(QStringLiteral("%1: no sweep %2").arg(workspace.path()).arg(sweepId));
    if (moreTrials < 1)
        throw InputError(
            QStringLiteral("more trials: %1 is not a positive number").arg(moreTrials));
    if ((stored->status == RunStatus::Running || stored->status == RunStatus::Paused) &&
        !stored->owner.isEmpty() && isProcessAlive(stored->owner) &&
        stored->owner != currentProcessToken())
        throw InputError(QStringLiteral("sweep %1 is %2 in another process (%3); extend it there")
                             .arg(sweepId)
                             .arg(runStatusName(stored->status), stored->owner));
    QJsonObject spec = stored->spec;
    QJsonObject sweep = spec.value(QStringLiteral("sweep")).toObject();
    const int trials = sweep.value(QStringLiteral("trials")).toInt();
    sweep.insert(QStringLiteral("trials"), trials + moreTrials);
    spec.insert(QStringLiteral("sweep"), sweep);
    return sweepDefinitionFromJson(spec, QStringLiteral("sweep %1's spec").arg(sweepId));
}

} // namespace trainlab
