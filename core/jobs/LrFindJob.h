#pragma once

#include "jobs/Job.h"
#include "spec/ExperimentSpec.h"

namespace trainlab {

/// The learning-rate range test as a job of the queue (the window's *Find learning rate…*):
/// reads the spec's data, runs the test on the CPU slots it is given, and stores the curve and
/// the suggested rate as a pre-flight result (kind `lr_find`) with the spec. Its progress is
/// the test's steps; it can be stopped between steps.
class LrFindJob : public Job {
public:
    explicit LrFindJob(ExperimentSpec spec, int steps = 100);

    /// `training.threads` CPU slots, or every core, as a run of the spec would take.
    DeviceDemand demand() const override;
    void execute(JobContext& context) override;
    /// The stored result's id once the job completed; 0 before.
    qint64 resultId() const { return resultId_.load(); }

private:
    ExperimentSpec spec_;
    int steps_;
    std::atomic<qint64> resultId_ = 0;
};

} // namespace trainlab
