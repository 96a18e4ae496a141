// batchnorm1d, batchnorm2d and layernorm: normalization with a learned scale and shift.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/normalization.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Normalization");

const NumberRange kEpsilon{0, 1, true, false};

template <int Dims> LayerEstimate inferBatchNorm(const LayerContext& layer) {
    if (Dims == 2)
        layer.requireRank({3}, QStringLiteral("[channels, height, width]"));
    else
        layer.requireRank({1, 2}, QStringLiteral("[features] or [channels, length]"));
    LayerEstimate estimate{layer.input()};
    estimate.parameters = 2 * layer.input()[0]; // the running statistics are buffers
    estimate.flops = 4.0 * double(elementCount(layer.input()));
    return estimate;
}

torch::nn::AnyModule makeBatchNorm1d(const LayerBuild& layer) {
    return torch::nn::AnyModule(
        torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(layer.input()[0])
                                   .eps(layer.number("eps"))
                                   .momentum(layer.number("momentum"))));
}

torch::nn::AnyModule makeBatchNorm2d(const LayerBuild& layer) {
    return torch::nn::AnyModule(
        torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(layer.input()[0])
                                   .eps(layer.number("eps"))
                                   .momentum(layer.number("momentum"))));
}

std::vector<LayerField> batchNormFields() {
    return {numberField("eps", 1e-5, kEpsilon, "added to the variance"),
            numberField("momentum", 0.1, kProbability, "running statistics momentum")};
}

LayerEstimate inferLayerNorm(const LayerContext& layer) {
    if (layer.input().empty())
        layer.fail(QStringLiteral("expects an input with features"));
    LayerEstimate estimate{layer.input()};
    estimate.parameters = 2 * layer.input().back();
    estimate.flops = 5.0 * double(elementCount(layer.input()));
    return estimate;
}

torch::nn::AnyModule makeLayerNorm(const LayerBuild& layer) {
    return torch::nn::AnyModule(torch::nn::LayerNorm(
        torch::nn::LayerNormOptions({layer.input().back()}).eps(layer.number("eps"))));
}

} // namespace

void registerNormalizationLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("batchnorm1d"),
                  QStringLiteral("Batch normalization of [C] or [C, L]"), batchNormFields(),
                  inferBatchNorm<1>, makeBatchNorm1d, kCategory});
    registry.add({QStringLiteral("batchnorm2d"), QStringLiteral("Batch normalization of [C, H, W]"),
                  batchNormFields(), inferBatchNorm<2>, makeBatchNorm2d, kCategory});
    registry.add({QStringLiteral("layernorm"),
                  QStringLiteral("Layer normalization over the last dimension"),
                  {numberField("eps", 1e-5, kEpsilon, "added to the variance")},
                  inferLayerNorm,
                  makeLayerNorm,
                  kCategory});
}

} // namespace trainlab
