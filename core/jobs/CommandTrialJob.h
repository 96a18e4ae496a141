#pragma once

#include "jobs/Job.h"
#include "jobs/RunJob.h"
#include "sweep/SearchSpace.h"

namespace trainlab {

/// A sweep trial that runs the user's own program (see CommandTrial.h): stored as a run whose
/// metrics come from the program's last line of output.
class CommandTrialJob : public Job {
public:
    /// `rerunRow` > 0 runs the trial again on that stored row (its metrics cleared first).
    CommandTrialJob(QStringList argv, double timeoutS, SweepPoint point, QString name,
                    TrialHooks trial, qint64 rerunRow, int cpuSlots);

    DeviceDemand demand() const override;
    void execute(JobContext& context) override;

private:
    QStringList argv_;
    double timeoutS_;
    SweepPoint point_;
    QString name_;
    TrialHooks trial_;
    qint64 rerunRow_;
    int cpuSlots_;
};

} // namespace trainlab
