#include "train/DynamicQuantization.h"

#include "base/Errors.h"
#include "train/StateDict.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <QStringList>
#include <algorithm>
#include <limits>
#include <torch/nn/modules/linear.h>

namespace trainlab {

namespace {

// LibTorch has no C++ quantize_dynamic; these operators are what Python's dynamic Linear calls.
const c10::OperatorHandle& linearPrepack() {
    static const c10::OperatorHandle op =
        c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_prepack", "");
    return op;
}

const c10::OperatorHandle& linearDynamic() {
    static const c10::OperatorHandle op =
        c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_dynamic", "");
    return op;
}

/// A linear layer with int8 weights, packed for the selected engine.
class DynamicQuantizedLinearImpl : public torch::nn::Module {
public:
    explicit DynamicQuantizedLinearImpl(const torch::nn::LinearImpl& linear) {
        const auto weight = linear.weight.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        inFeatures_ = weight.size(1);
        outFeatures_ = weight.size(0);
        // MinMaxObserver's per-tensor symmetric scale for qint8: the largest magnitude maps to
        // 127.5, zero to zero.
        const double largest = weight.abs().max().item<double>();
        scale_ = std::max(largest / 127.5, double(std::numeric_limits<float>::epsilon()));
        weightInt8_ = at::quantize_per_tensor(weight, scale_, 0, at::kQInt8);
        if (linear.bias.defined())
            bias_ = linear.bias.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        std::vector<c10::IValue> stack{weightInt8_, bias_.defined()
                                                        ? c10::optional<at::Tensor>(bias_)
                                                        : c10::optional<at::Tensor>()};
        linearPrepack().callBoxed(&stack);
        packed_ = std::move(stack.at(0));
    }

    torch::Tensor forward(const torch::Tensor& x) {
        std::vector<c10::IValue> stack{
            x.reshape({-1, inFeatures_}).to(torch::kFloat32).contiguous(), packed_,
            /*reduce_range=*/false};
        linearDynamic().callBoxed(&stack);
        std::vector<int64_t> shape = x.sizes().vec();
        shape.back() = outFeatures_;
        return stack.at(0).toTensor().view(shape);
    }

    /// What the int8 file keeps of this layer, under `prefix` ("3.").
    void addTo(NamedTensors& tensors, const std::string& prefix) const {
        tensors.emplace_back(prefix + "weight", weightInt8_.int_repr());
        tensors.emplace_back(prefix + "scale", torch::tensor(scale_, torch::kFloat64));
        if (bias_.defined())
            tensors.emplace_back(prefix + "bias", bias_);
    }

private:
    int64_t inFeatures_ = 0;
    int64_t outFeatures_ = 0;
    double scale_ = 1;
    at::Tensor weightInt8_;
    at::Tensor bias_;
    c10::IValue packed_;
};
TORCH_MODULE(DynamicQuantizedLinear);

} // namespace

QString selectQuantizedEngine(const QString& wanted) {
    auto& context = at::globalContext();
    const auto& supported = context.supportedQEngines();
    QStringList names;
    for (const at::QEngine engine :
         {at::QEngine::ONEDNN, at::QEngine::X86, at::QEngine::FBGEMM, at::QEngine::QNNPACK}) {
        if (std::find(supported.begin(), supported.end(), engine) == supported.end())
            continue;
        const QString name = QString::fromLatin1(c10::toString(engine)).toLower();
        if (wanted.isEmpty() || wanted == name) {
            context.setQEngine(engine);
            return name;
        }
        names << name;
    }
    if (!wanted.isEmpty())
        throw InputError(QStringLiteral("quantized engine '%1' is not in this LibTorch (it has: "
                                        "%2)")
                             .arg(wanted, names.join(QStringLiteral(", "))));
    throw EnvironmentError(QStringLiteral("this LibTorch has no quantized CPU engine (oneDNN, "
                                          "FBGEMM or QNNPACK): int8 quantization is not "
                                          "available"));
}

QuantizedModel quantizeDynamic(const torch::nn::Sequential& model, const QString& engine) {
    QuantizedModel result;
    result.engine = selectQuantizedEngine(engine);
    NamedTensors file;
    size_t index = 0;
    for (const torch::nn::AnyModule& layer : *model) {
        const std::string prefix = std::to_string(index++) + ".";
        if (const auto* linear = layer.ptr()->as<torch::nn::Linear>()) {
            DynamicQuantizedLinear quantized(*linear);
            quantized->addTo(file, prefix);
            result.net->push_back(quantized);
            ++result.quantizedLayers;
            continue;
        }
        for (const auto& p : layer.ptr()->named_parameters(/*recurse=*/true))
            file.emplace_back(prefix + p.key(), p.value().detach().cpu());
        for (const auto& b : layer.ptr()->named_buffers(/*recurse=*/true))
            file.emplace_back(prefix + b.key(), b.value().detach().cpu());
        result.net->push_back(layer);
    }
    result.file = pickleTensors(file);
    return result;
}

} // namespace trainlab
