#include "train/LrSchedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace trainlab {

double scheduledLr(const ScheduleSpec& schedule, double baseLr, int64_t step, int64_t totalSteps,
                   int epoch) {
    const int64_t warmup = schedule.warmupSteps;
    if (warmup > 0 && step < warmup)
        return baseLr * double(step + 1) / double(warmup);
    if (schedule.type == QLatin1String("cosine")) {
        const int64_t span = std::max<int64_t>(1, totalSteps - warmup);
        const double progress = std::clamp(double(step - warmup) / double(span), 0.0, 1.0);
        return schedule.minLr +
               (baseLr - schedule.minLr) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    }
    if (schedule.type == QLatin1String("step"))
        return baseLr * std::pow(schedule.gamma, epoch / std::max(1, schedule.stepEpochs));
    if (schedule.type == QLatin1String("exponential"))
        return baseLr * std::pow(schedule.gamma, epoch);
    return baseLr;
}

} // namespace trainlab
