#pragma once

#include "spec/ExperimentSpec.h"

#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

/// What one built layer does to the shape of a sample.
struct LayerShape {
    QString path; ///< model.layers[i]
    QString type;
    std::vector<int64_t> outputShape; ///< without the batch dimension
    int64_t parameters = 0;
};

struct BuiltModel {
    torch::nn::Sequential net;
    std::vector<LayerShape> layers;
    int64_t parameters = 0;
};

/// The layers a model spec stands for (a preset expanded, or the explicit list).
std::vector<LayerSpec> resolveLayers(const ModelSpec& spec);

/// Builds the network for samples of `inputShape` and a task with `outputSize` outputs,
/// inferring every layer's input size. Throws InputError at the first layer that cannot take
/// its input, naming it (`model.layers[6]: linear expects ...`).
BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize);

} // namespace trainlab
