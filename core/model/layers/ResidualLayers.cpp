// residual: nested layers whose output is added to the block's input.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"
#include "model/layers/CustomModules.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Container");

// How the input is brought to the body's output shape before the sum: the identity when they
// match; a strided 1x1 convolution with batch norm when an image block changes channels or
// scales both sides alike (as in ResNet); a linear layer when only the features differ.
struct Projection {
    enum class Kind { Invalid, Identity, Conv, Linear };
    Kind kind = Kind::Invalid;
    int64_t stride = 1;
};

Projection projectionFor(const Shape& input, const Shape& output) {
    if (output == input)
        return {Projection::Kind::Identity};
    if (input.size() == 3 && output.size() == 3 && input[1] % output[1] == 0 &&
        input[2] % output[2] == 0 && input[1] / output[1] == input[2] / output[2])
        return {Projection::Kind::Conv, input[1] / output[1]};
    if (input.size() == output.size() && input.size() <= 2 &&
        std::equal(input.begin(), input.end() - 1, output.begin()))
        return {Projection::Kind::Linear};
    return {};
}

LayerEstimate inferResidual(const LayerContext& layer) {
    const Shape& input = layer.input();
    const LayerEstimate body = layer.inferNested("layers", input);
    LayerEstimate estimate{body.output};
    const double outputs = double(elementCount(body.output));
    switch (projectionFor(input, body.output).kind) {
    case Projection::Kind::Identity:
        break;
    case Projection::Kind::Conv:
        estimate.parameters = input[0] * body.output[0] + 2 * body.output[0];
        estimate.flops = 2.0 * double(input[0]) * outputs;
        break;
    case Projection::Kind::Linear:
        estimate.parameters = input.back() * body.output.back() + body.output.back();
        estimate.flops = 2.0 * double(input.back()) * outputs;
        break;
    case Projection::Kind::Invalid:
        layer.fail(QStringLiteral("output %1 cannot be added to its input %2")
                       .arg(shapeText(body.output), shapeText(input)));
    }
    estimate.flops += body.flops + outputs; // the sum itself
    return estimate;
}

torch::nn::AnyModule makeResidual(const LayerBuild& layer) {
    torch::nn::Sequential body = layer.nested("layers");
    const Shape& input = layer.input();
    const Shape& output = layer.output();
    const Projection projection = projectionFor(input, output);
    torch::nn::Sequential projectionLayers;
    if (projection.kind == Projection::Kind::Conv) {
        projectionLayers->push_back(
            torch::nn::Conv2d(torch::nn::Conv2dOptions(input[0], output[0], 1)
                                  .stride(projection.stride)
                                  .bias(false)));
        projectionLayers->push_back(torch::nn::BatchNorm2d(output[0]));
    } else if (projection.kind == Projection::Kind::Linear) {
        projectionLayers->push_back(torch::nn::Linear(input.back(), output.back()));
    }
    if (!projectionLayers->is_empty())
        layer.initialize(*projectionLayers);
    return torch::nn::AnyModule(Residual(body, projectionLayers));
}

} // namespace

void registerResidualLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("residual"),
                  QStringLiteral("Nested layers whose output is added to the input (projected "
                                 "when the shapes differ)"),
                  {layerListField("layers", "the block's body")},
                  inferResidual,
                  makeResidual,
                  kCategory});
}

} // namespace trainlab
