// conv1d and conv2d: convolutions over [C, L] and [C, H, W].
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include <torch/nn/modules/conv.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Convolution");

template <int Dims> QString convInput() {
    return Dims == 2 ? QStringLiteral("[channels, height, width]")
                     : QStringLiteral("[channels, length]");
}

template <int Dims> LayerEstimate inferConv(const LayerContext& layer) {
    layer.requireRank({size_t(Dims + 1)}, convInput<Dims>());
    const Shape& input = layer.input();
    const int64_t in = input[0];
    const int64_t out = layer.integer("out");
    const int64_t kernel = layer.integer("kernel");
    const int64_t groups = layer.integer("groups");
    if (in % groups != 0 || out % groups != 0)
        layer.fail(QStringLiteral("groups %1 must divide the input channels %2 and the output "
                                  "channels %3")
                       .arg(groups)
                       .arg(in)
                       .arg(out));
    LayerEstimate estimate{{out}};
    for (size_t i = 1; i < input.size(); ++i)
        estimate.output.push_back(layer.slidingOutput(input[i], kernel, layer.integer("stride"),
                                                      layer.integer("padding"),
                                                      layer.integer("dilation")));
    const int64_t kernelArea = Dims == 2 ? kernel * kernel : kernel;
    estimate.parameters = out * (in / groups) * kernelArea + (layer.boolean("bias") ? out : 0);
    estimate.flops =
        2.0 * double(in / groups) * double(kernelArea) * double(elementCount(estimate.output));
    return estimate;
}

template <typename Options> Options convOptions(const LayerBuild& layer) {
    return Options(layer.input()[0], layer.output()[0], layer.integer("kernel"))
        .stride(layer.integer("stride"))
        .padding(layer.integer("padding"))
        .dilation(layer.integer("dilation"))
        .groups(layer.integer("groups"))
        .bias(layer.boolean("bias"));
}

torch::nn::AnyModule makeConv1d(const LayerBuild& layer) {
    return torch::nn::AnyModule(torch::nn::Conv1d(convOptions<torch::nn::Conv1dOptions>(layer)));
}

torch::nn::AnyModule makeConv2d(const LayerBuild& layer) {
    return torch::nn::AnyModule(torch::nn::Conv2d(convOptions<torch::nn::Conv2dOptions>(layer)));
}

std::vector<LayerField> convFields() {
    return {requiredIntField("out", kAtLeastOne, "output channels"),
            intField("kernel", 3, kAtLeastOne, "kernel size"),
            intField("stride", 1, kAtLeastOne, "stride"),
            intField("padding", 0, kNonNegative, "zero padding on each side"),
            intField("dilation", 1, kAtLeastOne, "dilation"),
            intField("groups", 1, kAtLeastOne, "channel groups"),
            boolField("bias", true, "learn an additive bias")};
}

} // namespace

void registerConvLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("conv1d"), QStringLiteral("1-D convolution over [C, L]"),
                  convFields(), inferConv<1>, makeConv1d, kCategory});
    registry.add({QStringLiteral("conv2d"), QStringLiteral("2-D convolution over [C, H, W]"),
                  convFields(), inferConv<2>, makeConv2d, kCategory});
}

} // namespace trainlab
