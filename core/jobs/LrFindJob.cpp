#include "jobs/LrFindJob.h"

#include "base/Errors.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "train/LrRangeTest.h"

#include <chrono>

namespace trainlab {

LrFindJob::LrFindJob(ExperimentSpec spec, int steps)
    : Job(JobKind::LrFind, QStringLiteral("lr-find %1").arg(spec.name))
    , spec_(std::move(spec))
    , steps_(steps) {}

DeviceDemand LrFindJob::demand() const {
    return {{}, spec_.training.threads > 0 ? spec_.training.threads : DeviceDemand::kAllCpuSlots};
}

void LrFindJob::execute(JobContext& context) {
    try {
        setStatus(RunStatus::Running);
        context.message(QStringLiteral("lr-find: reading the data of %1").arg(spec_.name));
        LrRangeOptions options;
        options.steps = steps_;
        options.cpuThreads = context.grant().cpuSlots;
        const auto started = std::chrono::steady_clock::now();
        const LrRangeResult result = lrRangeTestOfSpec(
            spec_, options,
            [this, started](int step, const LrRangePoint&) {
                update([&](JobInfo& info) {
                    info.progress.step = step + 1;
                    info.progress.totalSteps = steps_;
                    info.progress.elapsedS =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                            .count();
                });
            },
            &control().cancel);
        if (control().cancel.load()) {
            setStatus(RunStatus::Cancelled);
            return;
        }
        QJsonObject stored = result.toJson();
        stored.insert(QStringLiteral("steps"), options.steps);
        stored.insert(QStringLiteral("min_lr"), options.minLr);
        stored.insert(QStringLiteral("max_lr"), options.maxLr);
        resultId_ = context.store().addPreflightResult(QStringLiteral("lr_find"), specToJson(spec_),
                                                       stored);
        update([this](JobInfo& info) { info.resultId = resultId_.load(); });
        context.message(result.suggestedLr
                            ? QStringLiteral("lr-find: suggested learning rate %1 (%2 steps, %3 s)")
                                  .arg(*result.suggestedLr, 0, 'g', 3)
                                  .arg(result.points.size())
                                  .arg(result.seconds, 0, 'f', 1)
                            : QStringLiteral("lr-find: the loss never fell; no rate to suggest"));
        setStatus(RunStatus::Completed);
    } catch (const std::exception& e) {
        fail(failureKindOf(e), firstLineOf(e));
    }
}

} // namespace trainlab
