// linear: a fully connected layer over the last dimension.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include <torch/nn/modules/linear.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Dense");

LayerEstimate inferLinear(const LayerContext& layer) {
    const Shape& input = layer.input();
    if (input.empty() || input.size() > 2)
        layer.fail(QStringLiteral("expects [features] or [sequence, features], gets %1 "
                                  "(add a flatten layer first)")
                       .arg(shapeText(input)));
    const int64_t in = input.back();
    const int64_t expected = layer.integer("in", in);
    if (expected != in)
        layer.fail(QStringLiteral("expects %1 inputs, gets %2").arg(expected).arg(in));
    const int64_t out = layer.integer("out", layer.outputSize());
    LayerEstimate estimate{input};
    estimate.output.back() = out;
    estimate.parameters = in * out + (layer.boolean("bias") ? out : 0);
    // One multiply-add per weight, per position of a sequence.
    estimate.flops = 2.0 * double(in) * double(out) * double(elementCount(input) / in);
    return estimate;
}

torch::nn::AnyModule makeLinear(const LayerBuild& layer) {
    return torch::nn::AnyModule(
        torch::nn::Linear(torch::nn::LinearOptions(layer.input().back(), layer.output().back())
                              .bias(layer.boolean("bias"))));
}

} // namespace

void registerLinearLayers(LayerRegistry& registry) {
    registry.add(
        {QStringLiteral("linear"),
         QStringLiteral("Fully connected layer over the last dimension"),
         {inferredIntField("out", kAtLeastOne, "output features; omitted: the task's output size"),
          inferredIntField("in", kAtLeastOne, "expected input features; omitted: inferred"),
          boolField("bias", true, "learn an additive bias")},
         inferLinear,
         makeLinear,
         kCategory});
}

} // namespace trainlab
