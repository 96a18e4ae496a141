#pragma once

#include "model/ModelSpec.h"

#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

/// What one layer does to a sample, for the model summary. Nested layers (inside a residual
/// block) have their own rows with a deeper path.
struct LayerShape {
    QString path; ///< model.layers[i] or model.layers[i].layers[j]
    QString type;
    std::vector<int64_t> outputShape; ///< without the batch dimension
    int64_t parameters = 0;           ///< of this layer alone (a residual: its projection)
    double flops = 0;                 ///< forward floating-point operations per sample
    int64_t activationElements = 0;   ///< output elements per sample
    int depth = 0;
};

struct BuiltModel {
    torch::nn::Sequential net;
    std::vector<LayerShape> layers;
    int64_t parameters = 0;
    double flops = 0;
    int64_t activationElements = 0;
};

/// The layers a model spec stands for (a preset expanded, or the explicit list).
std::vector<LayerSpec> resolveLayers(const ModelSpec& spec);

/// Builds the network for samples of `inputShape` and a task with `outputSize` outputs,
/// propagating shapes layer by layer before anything runs. Throws InputError at the first layer
/// that cannot take its input, naming it and both shapes
/// (`model.layers[6]: linear expects 3136 inputs, gets 1568`).
BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize);

QString shapeText(const std::vector<int64_t>& shape);

} // namespace trainlab
