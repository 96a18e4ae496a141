#pragma once

#include "jobs/Job.h"
#include "parallel/ClusterLayout.h"
#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <functional>
#include <optional>

namespace trainlab {

class WorkspaceReader;

/// What to run: a validated spec and the overrides that produced it (stored as the params).
struct RunRequest {
    ExperimentSpec spec;
    QJsonObject params;
    qint64 resumeRun = 0; ///< > 0: continue this stored run (from its last checkpoint, if any)
    /// How often system samples are taken while it trains; 0 takes none (benchmarks compare
    /// the two). Its energy, device hours and cost are accounted either way.
    int telemetryIntervalMs = 1000;
    /// What a sweep's trial asks the pool for (trialDemand); empty: the spec's devices.
    std::optional<DeviceDemand> demand = std::nullopt;
};

/// How a sweep takes part in one of its trials.
struct TrialHooks {
    qint64 sweepId = 0;
    int trial = 0;
    /// Every metric the trial logs, on the trial's thread, with the trial's use of `resource`
    /// so far (its epoch, step, or energy in joules); true stops it as `pruned`.
    std::function<bool(const MetricPoint& point, double resourceUsed)> shouldPrune;
    /// What the pruner counts: "epoch", "step" or "energy_j".
    QString resource = QStringLiteral("epoch");
};

/// One run on one device, or on several CPU ranks at once (data-parallel, in this process or
/// across processes): stores it (or continues a stored one), builds its data and model, trains
/// it and stores its final state. A failure ends it `failed` with the message and its kind
/// (bad input, environment, or while running); what was logged before stays stored.
class RunJob : public Job {
public:
    /// Throws InputError when the spec names a device that is not present. With `cluster`, the
    /// run's ranks live in several processes and this one holds rank 0 (see ClusterLayout): it
    /// serves the rendezvous, trains its ranks and alone writes the run. A resume on another
    /// world size than its checkpoint's fails (bad input) before the stored run changes.
    explicit RunJob(RunRequest request, TrialHooks trial = {},
                    std::optional<ClusterLayout> cluster = {});
    ~RunJob() override;

    /// Its device, and the CPU slots it trains with: `training.threads`, or every core.
    DeviceDemand demand() const override;
    void execute(JobContext& context) override;

    const RunRequest& request() const { return request_; }

private:
    class Execution;
    /// The ranks this process trains.
    RankRange ranks() const;

    RunRequest request_;
    TrialHooks trial_;
    std::optional<ClusterLayout> cluster_;
    DeviceDemand demand_;
    int worldSize_ = 1; ///< ranks: more than one is a data-parallel run (DataParallelTrainer)
};

/// The request that continues stored run `runId`: cancelled, interrupted, failed, or paused
/// by a process that is gone; with the spec it was started with. Throws InputError saying why
/// when it cannot be resumed (completed, running or paused in another live process).
RunRequest resumeRequest(WorkspaceReader& workspace, qint64 runId);

/// The demand of a spec's `devices` on this machine (CPU slots from `training.threads`, 0:
/// every core). Throws InputError naming a device that is not present.
DeviceDemand runDemand(const ExperimentSpec& spec);

/// A built-in sweep trial's demand on a machine with `gpus`: a spec on devices "auto" takes
/// one GPU, whichever is least loaded when it starts, and 1/trialsPerGpu of it (several small
/// trials per GPU), or with SweepSpec::kTrialsPerGpuByMemory the part of a GPU of `gpuBytes`
/// its estimated memory needs (gpuShareFor; all of it when `gpuBytes` is unknown); a spec
/// naming its devices takes them, as a run would (runDemand); without GPUs, the CPU slots a
/// run takes. Throws InputError as runDemand does, or where the estimate cannot be made.
DeviceDemand trialDemand(const ExperimentSpec& spec, int trialsPerGpu, const QStringList& gpus,
                         std::optional<double> gpuBytes = std::nullopt);

} // namespace trainlab
