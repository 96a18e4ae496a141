// relu, gelu, silu, tanh, sigmoid and leaky_relu: element-wise nonlinearities.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include <torch/nn/modules/activation.h>

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Activation");

// One operation per element, whatever the function: enough for a cost estimate.
LayerEstimate inferElementwise(const LayerContext& layer) {
    LayerEstimate estimate{layer.input()};
    estimate.flops = double(elementCount(layer.input()));
    return estimate;
}

template <typename Module> torch::nn::AnyModule makeActivation(const LayerBuild&) {
    return torch::nn::AnyModule(Module());
}

torch::nn::AnyModule makeLeakyRelu(const LayerBuild& layer) {
    return torch::nn::AnyModule(
        torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(layer.number("slope"))));
}

LayerType activation(const char* name, const char* help, LayerFactory make,
                     std::vector<LayerField> fields = {}) {
    return {QString::fromLatin1(name),
            QString::fromUtf8(help),
            std::move(fields),
            inferElementwise,
            make,
            kCategory};
}

} // namespace

void registerActivationLayers(LayerRegistry& registry) {
    registry.add(activation("relu", "max(0, x)", makeActivation<torch::nn::ReLU>));
    registry.add(activation("gelu", "Gaussian error linear unit", makeActivation<torch::nn::GELU>));
    registry.add(activation("silu", "x * sigmoid(x)", makeActivation<torch::nn::SiLU>));
    registry.add(activation("tanh", "Hyperbolic tangent", makeActivation<torch::nn::Tanh>));
    registry.add(activation("sigmoid", "Logistic function", makeActivation<torch::nn::Sigmoid>));
    registry.add(
        activation("leaky_relu", "max(slope * x, x)", makeLeakyRelu,
                   {numberField("slope", 0.01, NumberRange{0, 1}, "slope for negative inputs")}));
}

} // namespace trainlab
