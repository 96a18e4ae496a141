#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace trainlab {

/// Where a data-parallel run joins its replicas: after each replica's backward pass over its
/// share of an optimizer step's batches, and before gradients are unscaled, clipped and
/// applied. An implementation averages `gradients` across replicas in place (an all-reduce);
/// a single-device run has none. Called on the training thread, once per optimizer step.
class GradientSync {
public:
    virtual ~GradientSync() = default;
    virtual void averageGradients(const std::vector<at::Tensor>& gradients) = 0;
    /// Once, after the model is built (and a checkpoint loaded), before the first batch: makes
    /// every replica's parameters and buffers equal to the first replica's.
    virtual void synchronizeModel(const std::vector<at::Tensor>& /*parametersAndBuffers*/) {}
    /// After each optimizer step: true when the replicas agreed to end the run here as a
    /// budget end (one of them reached training.max_wall_time_s). It replaces each replica's own
    /// wall-time check, which could end one replica a step before the others.
    virtual bool budgetReached() const { return false; }
};

} // namespace trainlab
