#pragma once

#include "spec/ExperimentSpec.h"

#include <cstdint>

namespace trainlab {

/// The learning rate at optimizer step `step` (0-based) of `totalSteps`, in epoch `epoch`
/// (0-based). A pure function so every schedule's curve can be checked without training;
/// reduce_on_plateau's state enters as `plateauScale` (the product of its reductions so far).
double scheduledLr(const ScheduleSpec& schedule, double baseLr, int64_t step, int64_t totalSteps,
                   int epoch, double plateauScale = 1.0);

/// Optimizer steps in an epoch of `batchesPerEpoch` batches: an epoch's last, shorter
/// accumulation window still takes a step.
int64_t stepsPerEpoch(int64_t batchesPerEpoch, int gradAccumulation);

/// The steps a run plans (the `totalSteps` of scheduledLr): every epoch's steps, capped by
/// `max_steps` when it is set.
int64_t plannedSteps(const TrainingSpec& training, int64_t batchesPerEpoch);

} // namespace trainlab
