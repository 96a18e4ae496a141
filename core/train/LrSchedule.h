#pragma once

#include "spec/ExperimentSpec.h"

#include <cstdint>

namespace trainlab {

/// The learning rate at optimizer step `step` (0-based) of `totalSteps`, in epoch `epoch`
/// (0-based). A pure function so every schedule's curve can be checked without training.
double scheduledLr(const ScheduleSpec& schedule, double baseLr, int64_t step, int64_t totalSteps,
                   int epoch);

} // namespace trainlab
