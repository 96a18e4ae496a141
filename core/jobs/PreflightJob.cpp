#include "jobs/PreflightJob.h"

#include "base/Errors.h"
#include "jobs/RunEstimate.h"
#include "jobs/RunSources.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "train/BatchSizeSearch.h"
#include "train/LrRangeTest.h"
#include "train/ThreadTuning.h"

namespace trainlab {

QString preflightKind(PreflightTool tool) {
    switch (tool) {
    case PreflightTool::LrFind:
        return QStringLiteral("lr_find");
    case PreflightTool::BatchSize:
        return QStringLiteral("batch_size");
    case PreflightTool::Threads:
        return QStringLiteral("threads");
    case PreflightTool::Estimate:
        return QStringLiteral("estimate");
    }
    return {};
}

namespace {

QString titleOf(PreflightTool tool, const QString& name) {
    switch (tool) {
    case PreflightTool::LrFind:
        return QStringLiteral("lr-find %1").arg(name);
    case PreflightTool::BatchSize:
        return QStringLiteral("batch-find %1").arg(name);
    case PreflightTool::Threads:
        return QStringLiteral("tune-threads %1").arg(name);
    case PreflightTool::Estimate:
        return QStringLiteral("estimate %1").arg(name);
    }
    return name;
}

} // namespace

PreflightJob::PreflightJob(PreflightTool tool, ExperimentSpec spec, int sweepTrials,
                           int sweepParallel, bool sweepPruning)
    : Job(JobKind::Preflight, titleOf(tool, spec.name))
    , tool_(tool)
    , spec_(std::move(spec))
    , sweepTrials_(sweepTrials)
    , sweepParallel_(sweepParallel)
    , sweepPruning_(sweepPruning) {}

DeviceDemand PreflightJob::demand() const {
    if (tool_ == PreflightTool::Threads)
        return {{}, DeviceDemand::kAllCpuSlots};
    return {{}, spec_.training.threads > 0 ? spec_.training.threads : DeviceDemand::kAllCpuSlots};
}

void PreflightJob::reportProgress(int done, int total) {
    update([&](JobInfo& info) {
        info.progress.step = done;
        info.progress.totalSteps = total;
        info.progress.elapsedS =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    });
}

std::pair<QJsonObject, QString> PreflightJob::runTool(JobContext& context) {
    const std::atomic<bool>* cancel = &control().cancel;
    const int cpuSlots = context.grant().cpuSlots;
    switch (tool_) {
    case PreflightTool::LrFind: {
        LrRangeOptions options;
        options.cpuThreads = cpuSlots;
        const LrRangeResult result = lrRangeTestOfSpec(
            spec_, options,
            [&](int step, const LrRangePoint&) { reportProgress(step + 1, options.steps); },
            cancel);
        QJsonObject stored = result.toJson();
        stored.insert(QStringLiteral("steps"), options.steps);
        stored.insert(QStringLiteral("min_lr"), options.minLr);
        stored.insert(QStringLiteral("max_lr"), options.maxLr);
        return {stored, result.suggestedLr
                            ? QStringLiteral("lr-find: suggested learning rate %1 (%2 steps, %3 s)")
                                  .arg(*result.suggestedLr, 0, 'g', 3)
                                  .arg(result.points.size())
                                  .arg(result.seconds, 0, 'f', 1)
                            : QStringLiteral("lr-find: the loss never fell; no rate to suggest")};
    }
    case PreflightTool::BatchSize: {
        BatchSizeOptions options;
        options.cpuThreads = cpuSlots;
        int probes = 0;
        const BatchSizeResult result = batchSizeSearchOfSpec(
            spec_, options,
            [&](const BatchSizeProbe& p) {
                reportProgress(++probes, 0);
                context.message(QStringLiteral("batch-find: batch %1 %2 (%3 samples/s)")
                                    .arg(p.batch)
                                    .arg(p.fits ? QStringLiteral("fits") : p.note)
                                    .arg(p.samplesPerSecond, 0, 'f', 0));
            },
            cancel);
        return {result.toJson(),
                QStringLiteral("batch-find: the largest batch is %1, limited by %2; batch %3 x "
                               "accumulation %4 reaches %5")
                    .arg(result.largestBatch)
                    .arg(result.limitText())
                    .arg(result.plan.microBatch)
                    .arg(result.plan.accumulation)
                    .arg(result.targetBatch)};
    }
    case PreflightTool::Threads: {
        ThreadTuningOptions options;
        options.cores = cpuSlots;
        const ThreadTuningResult result = tuneThreadsOfSpec(
            spec_, options,
            [&](int index, int count, const ThreadSplit&) { reportProgress(index + 1, count); },
            cancel);
        const ThreadSplit* best = result.bestSplit();
        return {result.toJson(),
                best ? QStringLiteral("tune-threads: %1 loader workers + %2 intra-op threads, "
                                      "%3 samples/s (%4x the current split)")
                           .arg(best->loaderWorkers)
                           .arg(best->intraOpThreads)
                           .arg(best->samplesPerSecond, 0, 'f', 0)
                           .arg(result.speedup(), 0, 'f', 2)
                     : QStringLiteral("tune-threads: nothing was measured")};
    }
    case PreflightTool::Estimate: {
        EstimateOptions options;
        options.cpuThreads = cpuSlots;
        if (spec_.training.distill.enabled())
            options.teacher = teacherOf(context.store(), spec_.training.distill);
        RunEstimate estimate =
            estimateRun(spec_, options, CostSettings::resolve(context.store().settings()), cancel);
        if (sweepTrials_ > 0)
            scaleToSweep(estimate, sweepTrials_, sweepParallel_, sweepPruning_);
        return {estimate.toJson(), QStringLiteral("estimate: ") + estimate.summaryLine()};
    }
    }
    return {};
}

void PreflightJob::execute(JobContext& context) {
    try {
        setStatus(RunStatus::Running);
        started_ = std::chrono::steady_clock::now();
        context.message(QStringLiteral("%1: reading the data").arg(info().title));
        const auto [stored, line] = runTool(context);
        if (control().cancel.load()) {
            setStatus(RunStatus::Cancelled);
            return;
        }
        resultId_ =
            context.store().addPreflightResult(preflightKind(tool_), specToJson(spec_), stored);
        update([this](JobInfo& info) { info.resultId = resultId_.load(); });
        context.message(line);
        setStatus(RunStatus::Completed);
    } catch (const std::exception& e) {
        fail(failureKindOf(e), firstLineOf(e));
    }
}

} // namespace trainlab
