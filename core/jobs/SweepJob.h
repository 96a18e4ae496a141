#pragma once

#include "jobs/Job.h"
#include "jobs/SweepDefinition.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace trainlab {

/// A sweep: proposes points, runs each as a child job (a run, or the user's own program)
/// through the backend's queue, at most `parallel` at once, and stops bad trials early with
/// ASHA or the median rule (they end `pruned`, with the device time they did not use recorded
/// as saved). It waits for events (a trial ended, cancel, pause), never polls. A point whose
/// spec does not validate is a failed trial with the message; the sweep goes on. Cancel stops
/// the running trials, which keep what they logged; pause holds them at a checkpoint.
/// Resuming skips finished trials and continues the others on their own rows, from their
/// checkpoints. A sweep whose every trial failed ends `failed`.
class SweepJob : public Job {
public:
    /// `resumeSweep` > 0 continues that stored sweep.
    explicit SweepJob(SweepDefinition definition, qint64 resumeSweep = 0);
    ~SweepJob() override;

    /// Nothing: it only coordinates; its trials demand their devices themselves.
    DeviceDemand demand() const override { return {}; }
    void execute(JobContext& context) override;
    void cancel() override;
    void setPaused(bool paused) override;
    void shutdown() override;

private:
    class Execution;
    friend class Execution;
    void wake();

    SweepDefinition definition_;
    qint64 resumeSweep_;
    std::mutex eventsMutex_;
    std::condition_variable events_;
    std::deque<JobInfo> endedTrials_; ///< children that ended, oldest first
};

/// The request that continues stored sweep `sweepId`, with the spec it was started with.
/// Throws InputError when it is completed, or running or paused in another live process.
SweepDefinition resumeSweepDefinition(class WorkspaceReader& workspace, qint64 sweepId);

/// A stored sweep (completed or not) given `moreTrials` trials beyond its planned total; run it
/// as a resume (SweepJob(definition, sweepId)): the strategy learns from every trial it has,
/// the new total is stored. Refused for a sweep another live process is running.
SweepDefinition extendedSweepDefinition(class WorkspaceReader& workspace, qint64 sweepId,
                                        int moreTrials);

} // namespace trainlab
