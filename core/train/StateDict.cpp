#include "train/StateDict.h"

#include <ATen/core/Dict.h>
#include <torch/serialize.h>

namespace trainlab {

NamedTensors stateDict(const torch::nn::Sequential& model) {
    NamedTensors tensors;
    for (const auto& p : model->named_parameters(/*recurse=*/true))
        tensors.emplace_back(p.key(), p.value().detach().cpu());
    for (const auto& b : model->named_buffers(/*recurse=*/true))
        tensors.emplace_back(b.key(), b.value().detach().cpu());
    return tensors;
}

std::vector<char> pickleTensors(const NamedTensors& tensors) {
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, tensor] : tensors)
        dict.insert(name, tensor.contiguous());
    return torch::pickle_save(dict);
}

} // namespace trainlab
