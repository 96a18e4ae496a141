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
};

} // namespace trainlab
