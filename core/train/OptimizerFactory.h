#pragma once

#include "spec/ExperimentSpec.h"

#include <memory>
#include <torch/optim/optimizer.h>

namespace trainlab {

/// The optimizer an OptimizerSpec names, over `parameters`.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                                       std::vector<torch::Tensor> parameters);

/// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

} // namespace trainlab
