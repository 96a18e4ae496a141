#include "model/ModelBuilder.h"

#include "base/Errors.h"
#include "model/LayerCatalog.h"
#include "model/Layers.h"

#include <QJsonArray>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/pooling.h>

#include <numeric>

namespace trainlab {

namespace {

using Shape = std::vector<int64_t>;

int64_t product(const Shape& shape) {
    return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>());
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
    for (auto& named : module.named_parameters(/*recurse=*/true)) {
        auto& p = named.value();
        const bool isBias =
            named.key().size() >= 4 && named.key().substr(named.key().size() - 4) == "bias";
        if (isBias) {
            p.zero_();
        } else if (p.dim() >= 2) {
            if (scheme == QLatin1String("kaiming"))
                torch::nn::init::kaiming_uniform_(p, 0.0, torch::kFanIn, torch::kReLU);
            else
                torch::nn::init::xavier_uniform_(p);
        }
    }
}

class Builder {
public:
    Builder(const QString& init, int64_t outputSize)
        : init_(init)
        , outputSize_(outputSize) {}

    torch::nn::Sequential build(const std::vector<LayerSpec>& layers, const QString& prefix,
                                Shape& shape, int depth, std::vector<LayerShape>& rows) {
        torch::nn::Sequential net;
        for (size_t i = 0; i < layers.size(); ++i) {
            const QString path = prefix + QStringLiteral("[%1]").arg(i);
            const size_t row = rows.size();
            rows.push_back({path, layers[i].type, {}, 0, 0, 0, depth});
            LayerShape info;
            torch::nn::AnyModule module = buildLayer(layers[i], path, shape, depth, rows, info);
            initialize(*module.ptr(), init_);
            rows[row].outputShape = shape;
            rows[row].parameters =
                info.parameters >= 0 ? info.parameters : countParameters(*module.ptr());
            rows[row].flops = info.flops;
            rows[row].activationElements = product(shape);
            net->push_back(module);
        }
        return net;
    }

private:
    [[noreturn]] static void fail(const QString& path, const QString& type,
                                  const QString& message) {
        throw InputError(path + QStringLiteral(": ") + type + QLatin1Char(' ') + message);
    }

    static int64_t intParam(const LayerSpec& layer, const char* name, int64_t fallback = 0) {
        const QJsonValue v = layer.params.value(QLatin1String(name));
        return v.isDouble() ? v.toInteger() : fallback;
    }

    static double numberParam(const LayerSpec& layer, const char* name, double fallback = 0) {
        return layer.params.value(QLatin1String(name)).toDouble(fallback);
    }

    static void requireRank(const QString& path, const QString& type, const Shape& shape,
                            std::initializer_list<size_t> ranks, const QString& expected) {
        if (std::find(ranks.begin(), ranks.end(), shape.size()) == ranks.end())
            fail(path, type, QStringLiteral("expects %1, gets %2").arg(expected, shapeText(shape)));
    }

    static int64_t slidingOutput(const QString& path, const QString& type, int64_t size,
                                 int64_t kernel, int64_t stride, int64_t padding,
                                 int64_t dilation) {
        const int64_t span = dilation * (kernel - 1) + 1;
        const int64_t out = (size + 2 * padding - span) / stride + 1;
        if (size + 2 * padding < span || out <= 0)
            fail(path, type,
                 QStringLiteral("kernel %1 does not fit the input size %2 (padding %3)")
                     .arg(span)
                     .arg(size)
                     .arg(padding));
        return out;
    }

    torch::nn::AnyModule buildLayer(const LayerSpec& layer, const QString& path, Shape& shape,
                                    int depth, std::vector<LayerShape>& rows, LayerShape& info) {
        const QString& type = layer.type;
        info.parameters = -1; // counted from the module unless set here
        const int64_t elements = product(shape);
        auto activation = [&](torch::nn::AnyModule m) {
            info.flops = double(elements);
            return m;
        };
        if (type == QLatin1String("linear")) {
            if (shape.empty() || shape.size() > 2)
                fail(path, type,
                     QStringLiteral("expects [features] or [sequence, features], gets %1 "
                                    "(add a flatten layer first)")
                         .arg(shapeText(shape)));
            const int64_t in = shape.back();
            const int64_t expected = intParam(layer, "in", in);
            if (expected != in)
                fail(path, type,
                     QStringLiteral("expects %1 inputs, gets %2").arg(expected).arg(in));
            const int64_t out = intParam(layer, "out", outputSize_);
            const bool bias = layer.params.value(QStringLiteral("bias")).toBool(true);
            shape.back() = out;
            info.flops = 2.0 * double(in) * double(out) * double(elements / in);
            return torch::nn::AnyModule(
                torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias)));
        }
        if (type == QLatin1String("conv2d") || type == QLatin1String("conv1d")) {
            const bool twoD = type == QLatin1String("conv2d");
            requireRank(path, type, shape, {twoD ? size_t(3) : size_t(2)},
                        twoD ? QStringLiteral("[channels, height, width]")
                             : QStringLiteral("[channels, length]"));
            const int64_t in = shape[0];
            const int64_t out = intParam(layer, "out");
            const int64_t k = intParam(layer, "kernel", 3);
            const int64_t s = intParam(layer, "stride", 1);
            const int64_t p = intParam(layer, "padding", 0);
            const int64_t d = intParam(layer, "dilation", 1);
            const int64_t g = intParam(layer, "groups", 1);
            if (in % g != 0 || out % g != 0)
                fail(path, type,
                     QStringLiteral("groups %1 must divide the input channels %2 and the "
                                    "output channels %3")
                         .arg(g)
                         .arg(in)
                         .arg(out));
            const bool bias = layer.params.value(QStringLiteral("bias")).toBool(true);
            Shape next = {out};
            for (size_t i = 1; i < shape.size(); ++i)
                next.push_back(slidingOutput(path, type, shape[i], k, s, p, d));
            const int64_t kernelArea = twoD ? k * k : k;
            info.flops = 2.0 * double(in / g) * double(kernelArea) * double(product(next));
            shape = next;
            if (twoD)
                return torch::nn::AnyModule(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k)
                                                                  .stride(s)
                                                                  .padding(p)
                                                                  .dilation(d)
                                                                  .groups(g)
                                                                  .bias(bias)));
            return torch::nn::AnyModule(torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, k)
                                                              .stride(s)
                                                              .padding(p)
                                                              .dilation(d)
                                                              .groups(g)
                                                              .bias(bias)));
        }
        if (type == QLatin1String("batchnorm2d") || type == QLatin1String("batchnorm1d")) {
            const bool twoD = type == QLatin1String("batchnorm2d");
            if (twoD)
                requireRank(path, type, shape, {3}, QStringLiteral("[channels, height, width]"));
            else
                requireRank(path, type, shape, {1, 2},
                            QStringLiteral("[features] or [channels, length]"));
            const double eps = numberParam(layer, "eps", 1e-5);
            const double momentum = numberParam(layer, "momentum", 0.1);
            info.flops = 4.0 * double(elements);
            if (twoD)
                return torch::nn::AnyModule(torch::nn::BatchNorm2d(
                    torch::nn::BatchNorm2dOptions(shape[0]).eps(eps).momentum(momentum)));
            return torch::nn::AnyModule(torch::nn::BatchNorm1d(
                torch::nn::BatchNorm1dOptions(shape[0]).eps(eps).momentum(momentum)));
        }
        if (type == QLatin1String("layernorm")) {
            if (shape.empty())
                fail(path, type, QStringLiteral("expects an input with features"));
            info.flops = 5.0 * double(elements);
            return torch::nn::AnyModule(torch::nn::LayerNorm(
                torch::nn::LayerNormOptions({shape.back()}).eps(numberParam(layer, "eps", 1e-5))));
        }
        if (type == QLatin1String("dropout")) {
            return torch::nn::AnyModule(torch::nn::Dropout(numberParam(layer, "p", 0.5)));
        }
        if (type == QLatin1String("relu"))
            return activation(torch::nn::AnyModule(torch::nn::ReLU()));
        if (type == QLatin1String("gelu"))
            return activation(torch::nn::AnyModule(torch::nn::GELU()));
        if (type == QLatin1String("silu"))
            return activation(torch::nn::AnyModule(torch::nn::SiLU()));
        if (type == QLatin1String("tanh"))
            return activation(torch::nn::AnyModule(torch::nn::Tanh()));
        if (type == QLatin1String("sigmoid"))
            return activation(torch::nn::AnyModule(torch::nn::Sigmoid()));
        if (type == QLatin1String("leaky_relu"))
            return activation(torch::nn::AnyModule(torch::nn::LeakyReLU(
                torch::nn::LeakyReLUOptions().negative_slope(numberParam(layer, "slope", 0.01)))));
        if (type.endsWith(QLatin1String("pool2d")) || type.endsWith(QLatin1String("pool1d"))) {
            const bool twoD = type.endsWith(QLatin1String("2d"));
            requireRank(path, type, shape, {twoD ? size_t(3) : size_t(2)},
                        twoD ? QStringLiteral("[channels, height, width]")
                             : QStringLiteral("[channels, length]"));
            if (type.startsWith(QLatin1String("adaptive"))) {
                const int64_t out = intParam(layer, "out", 1);
                for (size_t i = 1; i < shape.size(); ++i)
                    shape[i] = out;
                info.flops = double(elements);
                if (twoD)
                    return torch::nn::AnyModule(
                        torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(out)));
                return torch::nn::AnyModule(
                    torch::nn::AdaptiveAvgPool1d(torch::nn::AdaptiveAvgPool1dOptions(out)));
            }
            const int64_t k = intParam(layer, "kernel", 2);
            const int64_t s = intParam(layer, "stride", k);
            const int64_t p = intParam(layer, "padding", 0);
            if (2 * p > k)
                fail(path, type,
                     QStringLiteral("padding %1 must be at most half the kernel %2").arg(p).arg(k));
            for (size_t i = 1; i < shape.size(); ++i)
                shape[i] = slidingOutput(path, type, shape[i], k, s, p, 1);
            info.flops = double(product(shape)) * double(twoD ? k * k : k);
            const bool max = type.startsWith(QLatin1String("max"));
            if (twoD && max)
                return torch::nn::AnyModule(
                    torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(k).stride(s).padding(p)));
            if (twoD)
                return torch::nn::AnyModule(
                    torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(k).stride(s).padding(p)));
            if (max)
                return torch::nn::AnyModule(
                    torch::nn::MaxPool1d(torch::nn::MaxPool1dOptions(k).stride(s).padding(p)));
            return torch::nn::AnyModule(
                torch::nn::AvgPool1d(torch::nn::AvgPool1dOptions(k).stride(s).padding(p)));
        }
        if (type == QLatin1String("flatten")) {
            shape = {elements};
            return torch::nn::AnyModule(torch::nn::Flatten());
        }
        if (type == QLatin1String("to_sequence")) {
            if (shape.size() == 3)
                shape = {shape[1], shape[0] * shape[2]};
            else if (shape.size() == 1)
                shape = {shape[0], 1};
            else if (shape.size() != 2)
                fail(path, type,
                     QStringLiteral("expects [C, H, W], [F] or [L, E], gets %1")
                         .arg(shapeText(shape)));
            return torch::nn::AnyModule(ToSequence());
        }
        if (type == QLatin1String("sequence_mean")) {
            requireRank(path, type, shape, {2}, QStringLiteral("[sequence, features]"));
            shape = {shape[1]};
            info.flops = double(elements);
            return torch::nn::AnyModule(SequenceMean());
        }
        if (type == QLatin1String("embedding")) {
            requireRank(path, type, shape, {1}, QStringLiteral("[sequence] of token ids"));
            const int64_t dim = intParam(layer, "dim");
            shape = {shape[0], dim};
            return torch::nn::AnyModule(TokenEmbedding(intParam(layer, "vocab"), dim));
        }
        if (type == QLatin1String("positional_embedding")) {
            requireRank(path, type, shape, {2}, QStringLiteral("[sequence, features]"));
            info.flops = double(elements);
            return torch::nn::AnyModule(PositionalEmbedding(shape[0], shape[1]));
        }
        if (type == QLatin1String("lstm") || type == QLatin1String("gru")) {
            requireRank(path, type, shape, {2}, QStringLiteral("[sequence, features]"));
            const int64_t hidden = intParam(layer, "hidden");
            const int64_t stacked = intParam(layer, "layers", 1);
            const bool bidirectional = layer.params.value(QStringLiteral("bidirectional")).toBool();
            const bool last = layer.params.value(QStringLiteral("output")).toString() !=
                              QLatin1String("sequence");
            const int64_t dirs = bidirectional ? 2 : 1;
            const bool lstm = type == QLatin1String("lstm");
            const double gates = lstm ? 4.0 : 3.0;
            double flops = 0;
            int64_t in = shape[1];
            for (int64_t l = 0; l < stacked; ++l) {
                flops += 2.0 * gates * double(in + hidden) * double(hidden) * double(shape[0]) *
                         double(dirs);
                in = hidden * dirs;
            }
            info.flops = flops;
            RecurrentOptions options{lstm,    shape[1],      hidden,
                                     stacked, bidirectional, numberParam(layer, "dropout"),
                                     last};
            shape = last ? Shape{hidden * dirs} : Shape{shape[0], hidden * dirs};
            return torch::nn::AnyModule(Recurrent(options));
        }
        if (type == QLatin1String("attention") || type == QLatin1String("transformer_encoder")) {
            requireRank(path, type, shape, {2}, QStringLiteral("[sequence, features]"));
            const int64_t length = shape[0];
            const int64_t dim = shape[1];
            const int64_t heads = intParam(layer, "heads", 4);
            if (dim % heads != 0)
                fail(path, type,
                     QStringLiteral("needs features (%1) divisible by heads (%2)")
                         .arg(dim)
                         .arg(heads));
            const double attentionFlops =
                2.0 * 4.0 * double(length * dim * dim) + 2.0 * 2.0 * double(length * length * dim);
            const double dropout = numberParam(layer, "dropout");
            if (type == QLatin1String("attention")) {
                info.flops = attentionFlops;
                return torch::nn::AnyModule(SelfAttention(dim, heads, dropout));
            }
            const int64_t ff = intParam(layer, "ff", 4 * dim);
            info.flops = attentionFlops + 2.0 * 2.0 * double(length * dim * ff);
            auto options = torch::nn::TransformerEncoderLayerOptions(dim, heads)
                               .dim_feedforward(ff)
                               .dropout(dropout);
            if (layer.params.value(QStringLiteral("activation")).toString() ==
                QLatin1String("gelu"))
                options.activation(torch::kGELU);
            return torch::nn::AnyModule(EncoderLayer(options));
        }
        if (type == QLatin1String("residual")) {
            std::vector<LayerSpec> inner;
            for (const QJsonValue& v : layer.params.value(QStringLiteral("layers")).toArray()) {
                QJsonObject params = v.toObject();
                const QString innerType = params.take(QStringLiteral("type")).toString();
                inner.push_back({innerType, params});
            }
            const Shape input = shape;
            const size_t firstChild = rows.size();
            torch::nn::Sequential body =
                build(inner, path + QStringLiteral(".layers"), shape, depth + 1, rows);
            torch::nn::Sequential projection;
            double projectionFlops = 0;
            if (shape != input) {
                if (input.size() == 3 && shape.size() == 3 && input[1] % shape[1] == 0 &&
                    input[2] % shape[2] == 0 && input[1] / shape[1] == input[2] / shape[2]) {
                    const int64_t stride = input[1] / shape[1];
                    projection->push_back(
                        torch::nn::Conv2d(torch::nn::Conv2dOptions(input[0], shape[0], 1)
                                              .stride(stride)
                                              .bias(false)));
                    projection->push_back(torch::nn::BatchNorm2d(shape[0]));
                    projectionFlops = 2.0 * double(input[0]) * double(product(shape));
                } else if (input.size() == shape.size() && input.size() <= 2 &&
                           std::equal(input.begin(), input.end() - 1, shape.begin())) {
                    projection->push_back(torch::nn::Linear(input.back(), shape.back()));
                    projectionFlops = 2.0 * double(input.back()) * double(product(shape));
                } else {
                    fail(path, type,
                         QStringLiteral("output %1 cannot be added to its input %2")
                             .arg(shapeText(shape), shapeText(input)));
                }
                initialize(*projection, init_);
            }
            double innerFlops = 0;
            for (size_t r = firstChild; r < rows.size(); ++r) {
                if (rows[r].depth == depth + 1)
                    innerFlops += rows[r].flops;
            }
            info.parameters = countParameters(*projection);
            info.flops = innerFlops + projectionFlops + double(product(shape));
            return torch::nn::AnyModule(Residual(body, projection));
        }
        fail(path, type, QStringLiteral("is not a known layer type"));
    }

    QString init_;
    int64_t outputSize_;
};

} // namespace

QString shapeText(const std::vector<int64_t>& shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

std::vector<LayerSpec> resolveLayers(const ModelSpec& spec) {
    return spec.preset.isEmpty() ? spec.layers : expandPreset(spec.preset);
}

BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize) {
    BuiltModel built;
    Shape shape = inputShape;
    Builder builder(spec.init, outputSize);
    built.net =
        builder.build(resolveLayers(spec), QStringLiteral("model.layers"), shape, 0, built.layers);
    if (shape != Shape{outputSize})
        throw InputError(QStringLiteral("model: the last layer outputs %1, the task needs [%2] "
                                        "(end with a linear layer without \"out\")")
                             .arg(shapeText(shape))
                             .arg(outputSize));
    built.parameters = countParameters(*built.net);
    for (const LayerShape& row : built.layers) {
        if (row.depth == 0) {
            built.flops += row.flops;
        }
        built.activationElements += row.activationElements;
    }
    return built;
}

} // namespace trainlab
