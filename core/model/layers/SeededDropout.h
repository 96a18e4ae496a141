#pragma once

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace trainlab {

/// Dropout whose masks come from a generator of its own, seeded from LibTorch's default
/// generator when it is made (under buildSeededModel's lock). Runs that train side by side in
/// one process then draw from their own streams, so a run's masks do not depend on what else
/// the process does; LibTorch's Dropout draws from the process-wide generator.
struct SeededDropoutImpl : torch::nn::Module {
    explicit SeededDropoutImpl(double p);
    torch::Tensor forward(const torch::Tensor& x);

    double p;
    at::Generator generator;
};
TORCH_MODULE(SeededDropout);

/// The state of every SeededDropout in `model`, in module order, for a checkpoint.
std::vector<at::Tensor> dropoutGeneratorStates(torch::nn::Module& model);
/// Restores what dropoutGeneratorStates returned; false when the counts differ.
bool setDropoutGeneratorStates(torch::nn::Module& model, const std::vector<at::Tensor>& states);

} // namespace trainlab
