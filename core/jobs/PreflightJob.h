#pragma once

#include "jobs/Job.h"
#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <atomic>
#include <chrono>
#include <utility>

namespace trainlab {

/// The pre-flight tools a job can run before a run is started.
enum class PreflightTool {
    LrFind,    ///< the learning-rate range test (train/LrRangeTest.h)
    BatchSize, ///< the largest batch that fits, and the accumulation to a target
               ///< (BatchSizeSearch.h)
    Threads,   ///< the fastest split of the cores between loader and math (ThreadTuning.h)
    Estimate,  ///< a run's time, energy and cost from a short probe (RunEstimate.h)
};

/// The kind a tool's result is stored under: lr_find, batch_size, threads, estimate.
QString preflightKind(PreflightTool tool);

/// A pre-flight tool as a job of the queue (the window's Run menu): reads the spec's data, runs
/// the tool on the CPU slots it is given, and stores the result as a pre-flight result with the
/// spec. Its progress is the tool's steps or probes; it can be stopped between them.
class PreflightJob : public Job {
public:
    /// `sweepTrials` and `sweepParallel`: the estimate of a sweep's base spec is scaled to them
    /// (0: a run); `sweepPruning`: the sweep prunes with ASHA or the median rule.
    PreflightJob(PreflightTool tool, ExperimentSpec spec, int sweepTrials = 0,
                 int sweepParallel = 1, bool sweepPruning = false);

    /// `training.threads` CPU slots, or every core, as a run of the spec would take; the thread
    /// tuner every core, since it tries them all.
    DeviceDemand demand() const override;
    void execute(JobContext& context) override;
    PreflightTool tool() const { return tool_; }
    /// The stored result's id once the job completed; 0 before.
    qint64 resultId() const { return resultId_.load(); }

private:
    /// Runs the tool; returns the result to store and the line that tells it.
    std::pair<QJsonObject, QString> runTool(JobContext& context);
    void reportProgress(int done, int total);

    PreflightTool tool_;
    ExperimentSpec spec_;
    int sweepTrials_;
    int sweepParallel_;
    bool sweepPruning_;
    std::atomic<qint64> resultId_ = 0;
    std::chrono::steady_clock::time_point started_;
};

} // namespace trainlab
