#pragma once

#include "model/ModelAnalysis.h"
#include "model/ModelSpec.h"

#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

struct BuiltModel {
    torch::nn::Sequential net;
    std::vector<LayerShape> layers;
    int64_t parameters = 0;
    double flops = 0;
    int64_t activationElements = 0;
};

/// Builds the network for samples of `inputShape` and a task with `outputSize` outputs: the
/// model is analyzed first (analyzeModel, whose InputError names the first layer that cannot
/// take its input), then each layer type's factory makes its module.
BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize);

/// buildModel with its initial weights drawn from `seed` alone. LibTorch initializes modules
/// from one process-wide generator: runs that build at the same time in one process (parallel
/// trials, ranks) would interleave their draws and get weights that depend on timing. Seeding
/// and building happen under one lock, and the dropout layers draw their seeds here too, so
/// the same spec and seed give the same model in any process, alone or beside other runs.
BuiltModel buildSeededModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                            int64_t outputSize, uint64_t seed);

} // namespace trainlab
