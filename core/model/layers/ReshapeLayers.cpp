// flatten, to_sequence and sequence_mean: layers that rearrange or reduce a sample's dimensions.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"
#include "model/layers/CustomModules.h"

#include <torch/nn/modules/linear.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Reshape");

LayerEstimate inferFlatten(const LayerContext& layer) {
    return {{elementCount(layer.input())}};
}

torch::nn::AnyModule makeFlatten(const LayerBuild&) {
    return torch::nn::AnyModule(torch::nn::Flatten());
}

LayerEstimate inferToSequence(const LayerContext& layer) {
    const Shape& input = layer.input();
    if (input.size() == 3)
        return {{input[1], input[0] * input[2]}};
    if (input.size() == 1)
        return {{input[0], 1}};
    if (input.size() != 2)
        layer.fail(
            QStringLiteral("expects [C, H, W], [F] or [L, E], gets %1").arg(shapeText(input)));
    return {input};
}

torch::nn::AnyModule makeToSequence(const LayerBuild&) {
    return torch::nn::AnyModule(ToSequence());
}

LayerEstimate inferSequenceMean(const LayerContext& layer) {
    layer.requireRank({2}, QStringLiteral("[sequence, features]"));
    LayerEstimate estimate{{layer.input()[1]}};
    estimate.flops = double(elementCount(layer.input()));
    return estimate;
}

torch::nn::AnyModule makeSequenceMean(const LayerBuild&) {
    return torch::nn::AnyModule(SequenceMean());
}

} // namespace

void registerReshapeLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("flatten"),
                  QStringLiteral("Flattens all but the batch dimension"),
                  {},
                  inferFlatten,
                  makeFlatten,
                  kCategory});
    registry.add(
        {QStringLiteral("to_sequence"),
         QStringLiteral("Images [C, H, W] to a sequence of rows [H, C*W]; features [F] to [F, 1]"),
         {},
         inferToSequence,
         makeToSequence,
         kCategory});
    registry.add({QStringLiteral("sequence_mean"),
                  QStringLiteral("Mean over the sequence: [L, E] to [E]"),
                  {},
                  inferSequenceMean,
                  makeSequenceMean,
                  kCategory});
}

} // namespace trainlab
