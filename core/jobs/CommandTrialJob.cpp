#include "jobs/CommandTrialJob.h"

#include "jobs/CommandTrial.h"
#include "store/StoreWriter.h"
#include "util/Clock.h"

namespace trainlab {

CommandTrialJob::CommandTrialJob(QStringList argv, double timeoutS, SweepPoint point, QString name,
                                 TrialHooks trial, qint64 rerunRow, int cpuSlots)
    : Job(JobKind::CommandTrial, name)
    , argv_(std::move(argv))
    , timeoutS_(timeoutS)
    , point_(std::move(point))
    , name_(std::move(name))
    , trial_(std::move(trial))
    , rerunRow_(rerunRow)
    , cpuSlots_(std::max(1, cpuSlots)) {
    update([&](JobInfo& info) {
        info.sweepId = trial_.sweepId;
        info.trial = trial_.trial;
    });
}

DeviceDemand CommandTrialJob::demand() const {
    return {{}, cpuSlots_};
}

void CommandTrialJob::execute(JobContext& context) {
    StoreWriter& store = context.store();
    qint64 runId = 0;
    try {
        const QString devices = QStringLiteral("command");
        runId =
            rerunRow_ > 0
                ? store.beginResume(rerunRow_, devices).id
                : store
                      .startRun({name_, QStringLiteral("{}"), point_, trial_.sweepId, trial_.trial},
                                devices)
                      .id;
    } catch (const std::exception& e) {
        fail(failureKindOf(e), firstLineOf(e));
        return;
    }
    update([&](JobInfo& info) {
        info.runId = runId;
        info.status = RunStatus::Running;
    });
    context.message(
        QStringLiteral("trial %1: %2").arg(trial_.trial).arg(argv_.join(QLatin1Char(' '))));
    CommandTrialResult result;
    try {
        result = runCommandTrial(argv_, timeoutS_, &control().cancel);
    } catch (const InputError& e) {
        result.error = e.message();
    }
    QVector<MetricPoint> points;
    const double now = unixSecondsNow();
    for (auto it = result.metrics.begin(); it != result.metrics.end(); ++it)
        points.append({runId, 0, 0, it.key(), it.value(), now});
    RunEnd end;
    end.run = runId;
    end.status = result.ok ? RunStatus::Completed
                           : (control().cancel.load() ? RunStatus::Cancelled : RunStatus::Failed);
    end.error = result.ok ? QString() : result.error;
    end.deviceHours = result.seconds / 3600.0;
    try {
        store.appendMetrics(points);
        store.finishRun(end);
        store.flush();
    } catch (const std::exception& e) {
        // Its metrics or its end did not reach the workspace: a failed trial, stored as one if
        // the workspace takes that much (a `completed` end is refused once rows were lost).
        fail(failureKindOf(e), firstLineOf(e));
        if (end.status != RunStatus::Failed) {
            end.status = RunStatus::Failed;
            end.error = firstLineOf(e);
            try {
                store.finishRun(end);
            } catch (const std::exception&) {
            }
        }
        return;
    }
    for (const MetricPoint& point : points)
        context.metric(point);
    update([&](JobInfo& info) {
        info.status = end.status;
        info.failure = end.status == RunStatus::Failed ? FailureKind::Runtime : FailureKind::None;
        info.error = end.error;
    });
}

} // namespace trainlab
