// maxpool1d/2d, avgpool1d/2d and adaptive_avgpool1d/2d: pooling over [C, L] and [C, H, W].
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include <torch/nn/modules/pooling.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Pooling");

template <int Dims> void requirePoolInput(const LayerContext& layer) {
    layer.requireRank({size_t(Dims + 1)}, Dims == 2 ? QStringLiteral("[channels, height, width]")
                                                    : QStringLiteral("[channels, length]"));
}

// An omitted stride is the kernel size: windows that tile the input.
int64_t poolStride(const LayerContext& layer) {
    return layer.integer("stride", layer.integer("kernel"));
}

template <int Dims> LayerEstimate inferPool(const LayerContext& layer) {
    requirePoolInput<Dims>(layer);
    const int64_t kernel = layer.integer("kernel");
    const int64_t padding = layer.integer("padding");
    // LibTorch refuses more (the window would see only padding).
    if (2 * padding > kernel)
        layer.fail(QStringLiteral("padding %1 must be at most half the kernel %2")
                       .arg(padding)
                       .arg(kernel));
    LayerEstimate estimate{layer.input()};
    for (size_t i = 1; i < estimate.output.size(); ++i)
        estimate.output[i] =
            layer.slidingOutput(estimate.output[i], kernel, poolStride(layer), padding, 1);
    const int64_t window = Dims == 2 ? kernel * kernel : kernel;
    estimate.flops = double(elementCount(estimate.output)) * double(window);
    return estimate;
}

template <typename Module, typename Options>
torch::nn::AnyModule makePool(const LayerBuild& layer) {
    return torch::nn::AnyModule(Module(Options(layer.integer("kernel"))
                                           .stride(poolStride(layer))
                                           .padding(layer.integer("padding"))));
}

std::vector<LayerField> poolFields() {
    return {intField("kernel", 2, kAtLeastOne, "window size"),
            inferredIntField("stride", kAtLeastOne, "step; omitted: the kernel size"),
            intField("padding", 0, kNonNegative, "padding")};
}

template <int Dims> LayerEstimate inferAdaptivePool(const LayerContext& layer) {
    requirePoolInput<Dims>(layer);
    LayerEstimate estimate{layer.input()};
    for (size_t i = 1; i < estimate.output.size(); ++i)
        estimate.output[i] = layer.integer("out");
    estimate.flops = double(elementCount(layer.input()));
    return estimate;
}

template <typename Module, typename Options>
torch::nn::AnyModule makeAdaptivePool(const LayerBuild& layer) {
    return torch::nn::AnyModule(Module(Options(layer.integer("out"))));
}

LayerType pool(const char* name, const char* help, LayerInference infer, LayerFactory make) {
    return {
        QString::fromLatin1(name), QString::fromUtf8(help), poolFields(), infer, make, kCategory};
}

} // namespace

void registerPoolingLayers(LayerRegistry& registry) {
    using namespace torch::nn;
    registry.add(pool("maxpool1d", "Max over windows of [C, L]", inferPool<1>,
                      makePool<MaxPool1d, MaxPool1dOptions>));
    registry.add(pool("avgpool1d", "Mean over windows of [C, L]", inferPool<1>,
                      makePool<AvgPool1d, AvgPool1dOptions>));
    registry.add(pool("maxpool2d", "Max over windows of [C, H, W]", inferPool<2>,
                      makePool<MaxPool2d, MaxPool2dOptions>));
    registry.add(pool("avgpool2d", "Mean over windows of [C, H, W]", inferPool<2>,
                      makePool<AvgPool2d, AvgPool2dOptions>));
    registry.add({QStringLiteral("adaptive_avgpool1d"),
                  QStringLiteral("Mean pooling of [C, L] to a fixed length"),
                  {intField("out", 1, kAtLeastOne, "output length")},
                  inferAdaptivePool<1>,
                  makeAdaptivePool<AdaptiveAvgPool1d, AdaptiveAvgPool1dOptions>,
                  kCategory});
    registry.add({QStringLiteral("adaptive_avgpool2d"),
                  QStringLiteral("Mean pooling of [C, H, W] to a fixed size"),
                  {intField("out", 1, kAtLeastOne, "output height and width")},
                  inferAdaptivePool<2>,
                  makeAdaptivePool<AdaptiveAvgPool2d, AdaptiveAvgPool2dOptions>,
                  kCategory});
}

} // namespace trainlab
