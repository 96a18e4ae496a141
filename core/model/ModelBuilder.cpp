#include "model/ModelBuilder.h"

#include "model/LayerCatalog.h"
#include "spec/SpecErrors.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

namespace trainlab {

namespace {

QString shapeText(const std::vector<int64_t>& shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

int64_t countParameters(const torch::nn::Module& module) {
    int64_t total = 0;
    for (const auto& p : module.parameters())
        total += p.numel();
    return total;
}

void initialize(torch::nn::Module& module, const QString& scheme) {
    if (scheme == QLatin1String("default"))
        return;
    torch::NoGradGuard noGrad;
    for (auto& named : module.named_parameters(/*recurse=*/false)) {
        auto& p = named.value();
        if (named.key() == "bias") {
            p.zero_();
        } else if (p.dim() >= 2) {
            if (scheme == QLatin1String("kaiming"))
                torch::nn::init::kaiming_uniform_(p, 0.0, torch::kFanIn, torch::kReLU);
            else
                torch::nn::init::xavier_uniform_(p);
        }
    }
}

} // namespace

std::vector<LayerSpec> resolveLayers(const ModelSpec& spec) {
    return spec.preset.isEmpty() ? spec.layers : expandPreset(spec.preset);
}

BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize) {
    BuiltModel built;
    std::vector<int64_t> shape = inputShape;
    const std::vector<LayerSpec> layers = resolveLayers(spec);
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerSpec& layer = layers[i];
        const QString path = QStringLiteral("model.layers[%1]").arg(i);
        const QString& type = layer.type;
        auto fail = [&](const QString& message) {
            throw InputError(path + QStringLiteral(": ") + type + QLatin1Char(' ') + message);
        };
        torch::nn::AnyModule module;
        if (type == QLatin1String("linear")) {
            if (shape.size() != 1)
                fail(QStringLiteral("expects a flat input, gets %1 (add a flatten layer first)")
                         .arg(shapeText(shape)));
            const int64_t out = layer.params.contains(QStringLiteral("out"))
                                    ? layer.params.value(QStringLiteral("out")).toInteger()
                                    : outputSize;
            auto linear = torch::nn::Linear(
                torch::nn::LinearOptions(shape[0], out)
                    .bias(layer.params.value(QStringLiteral("bias")).toBool(true)));
            module = torch::nn::AnyModule(linear);
            shape = {out};
        } else if (type == QLatin1String("flatten")) {
            int64_t size = 1;
            for (int64_t d : shape)
                size *= d;
            module = torch::nn::AnyModule(torch::nn::Flatten());
            shape = {size};
        } else if (type == QLatin1String("relu")) {
            module = torch::nn::AnyModule(torch::nn::ReLU());
        } else if (type == QLatin1String("gelu")) {
            module = torch::nn::AnyModule(torch::nn::GELU());
        } else if (type == QLatin1String("silu")) {
            module = torch::nn::AnyModule(torch::nn::SiLU());
        } else if (type == QLatin1String("tanh")) {
            module = torch::nn::AnyModule(torch::nn::Tanh());
        } else if (type == QLatin1String("sigmoid")) {
            module = torch::nn::AnyModule(torch::nn::Sigmoid());
        } else if (type == QLatin1String("leaky_relu")) {
            module = torch::nn::AnyModule(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(
                layer.params.value(QStringLiteral("slope")).toDouble())));
        } else if (type == QLatin1String("dropout")) {
            module = torch::nn::AnyModule(
                torch::nn::Dropout(layer.params.value(QStringLiteral("p")).toDouble(0.5)));
        } else {
            fail(QStringLiteral("is not a known layer type"));
        }
        initialize(*module.ptr(), spec.init);
        const int64_t parameters = countParameters(*module.ptr());
        built.net->push_back(module);
        built.layers.push_back({path, type, shape, parameters});
        built.parameters += parameters;
    }
    if (shape != std::vector<int64_t>{outputSize})
        throw InputError(QStringLiteral("model: the last layer outputs %1, the task needs [%2] "
                                        "(end with a linear layer without \"out\")")
                             .arg(shapeText(shape))
                             .arg(outputSize));
    return built;
}

} // namespace trainlab
