#include "train/LrSchedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace trainlab {

namespace {

double cosineBetween(double from, double to, double progress) {
    return to +
           (from - to) * 0.5 * (1.0 + std::cos(std::numbers::pi * std::clamp(progress, 0.0, 1.0)));
}

} // namespace

double scheduledLr(const ScheduleSpec& schedule, double baseLr, int64_t step, int64_t totalSteps,
                   int epoch, double plateauScale) {
    const QString& type = schedule.type;
    if (type == QLatin1String("one_cycle")) {
        // PyTorch's OneCycleLR with cosine annealing: its own warm-up replaces warmup_steps.
        const double start = baseLr / schedule.divFactor;
        const double end = start / schedule.finalDivFactor;
        const double rise = std::max(1.0, schedule.pctStart * double(totalSteps) - 1.0);
        if (double(step) <= rise)
            return cosineBetween(start, baseLr, double(step) / rise);
        const double fall = std::max(1.0, double(totalSteps - 1) - rise);
        return cosineBetween(baseLr, end, (double(step) - rise) / fall);
    }
    const int64_t warmup = schedule.warmupSteps;
    if (warmup > 0 && step < warmup)
        return baseLr * double(step + 1) / double(warmup);
    if (type == QLatin1String("cosine")) {
        const int64_t span = std::max<int64_t>(1, totalSteps - warmup);
        return cosineBetween(baseLr, schedule.minLr, double(step - warmup) / double(span));
    }
    if (type == QLatin1String("step"))
        return baseLr * std::pow(schedule.gamma, epoch / std::max(1, schedule.stepEpochs));
    if (type == QLatin1String("multistep")) {
        const auto passed = std::count_if(schedule.milestones.begin(), schedule.milestones.end(),
                                          [epoch](int m) { return epoch >= m; });
        return baseLr * std::pow(schedule.gamma, double(passed));
    }
    if (type == QLatin1String("exponential"))
        return baseLr * std::pow(schedule.gamma, epoch);
    if (type == QLatin1String("reduce_on_plateau"))
        return baseLr * plateauScale;
    return baseLr;
}

int64_t stepsPerEpoch(int64_t batchesPerEpoch, int gradAccumulation) {
    const int64_t window = std::max(1, gradAccumulation);
    return (batchesPerEpoch + window - 1) / window;
}

int64_t plannedSteps(const TrainingSpec& training, int64_t batchesPerEpoch) {
    const int64_t all =
        stepsPerEpoch(batchesPerEpoch, training.gradAccumulation) * int64_t(training.epochs);
    return training.maxSteps > 0 ? std::min<int64_t>(training.maxSteps, all) : all;
}

} // namespace trainlab
