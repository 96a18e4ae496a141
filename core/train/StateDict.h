#pragma once

#include <string>
#include <torch/nn/modules/container/sequential.h>
#include <utility>
#include <vector>

namespace trainlab {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// The model's parameters and buffers by the names PyTorch gives them ("1.weight",
/// "3.running_mean"), detached, on the CPU.
NamedTensors stateDict(const torch::nn::Sequential& model);

/// Tensors by name, serialized as Python's torch.save(dict) writes them (torch::pickle_save):
/// `torch.load(path)` gives a dict that `model.load_state_dict` takes.
std::vector<char> pickleTensors(const NamedTensors& tensors);

} // namespace trainlab
