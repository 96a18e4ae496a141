#include "model/ModelPresets.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab {

QStringList modelPresetNames() {
    return {QStringLiteral("mlp"), QStringLiteral("lenet5"), QStringLiteral("cnn2"),
            QStringLiteral("resnet20"), QStringLiteral("transformer")};
}

namespace {

LayerSpec layer(const char* type, QJsonObject params = {}) {
    return LayerSpec{QString::fromLatin1(type), std::move(params)};
}

QJsonObject conv(int out, int kernel, int stride, int padding, bool bias = true) {
    return {{QStringLiteral("out"), out},       {QStringLiteral("kernel"), kernel},
            {QStringLiteral("stride"), stride}, {QStringLiteral("padding"), padding},
            {QStringLiteral("dilation"), 1},    {QStringLiteral("groups"), 1},
            {QStringLiteral("bias"), bias}};
}

QJsonObject asJson(const LayerSpec& spec) {
    QJsonObject object = spec.params;
    object.insert(QStringLiteral("type"), spec.type);
    return object;
}

QJsonObject pool(int kernel) {
    return {{QStringLiteral("kernel"), kernel}, {QStringLiteral("padding"), 0}};
}

const QJsonObject kBatchNorm{{QStringLiteral("eps"), 1e-5}, {QStringLiteral("momentum"), 0.1}};

// conv-bn-relu-conv-bn, added to the (projected) input; the ReLU after the sum is separate.
LayerSpec basicBlock(int channels, int stride) {
    const QJsonArray inner = {asJson(layer("conv2d", conv(channels, 3, stride, 1, false))),
                              asJson(layer("batchnorm2d", kBatchNorm)), asJson(layer("relu")),
                              asJson(layer("conv2d", conv(channels, 3, 1, 1, false))),
                              asJson(layer("batchnorm2d", kBatchNorm))};
    return layer("residual", {{QStringLiteral("layers"), inner}});
}

} // namespace

std::vector<LayerSpec> expandPreset(const QString& preset) {
    const QJsonObject bias{{QStringLiteral("bias"), true}};
    auto dense = [](int out) {
        return layer("linear", {{QStringLiteral("out"), out}, {QStringLiteral("bias"), true}});
    };
    if (preset == QLatin1String("mlp"))
        return {layer("flatten"), dense(128),    layer("relu"),
                dense(128),       layer("relu"), layer("linear", bias)};
    if (preset == QLatin1String("lenet5"))
        return {layer("conv2d", conv(6, 5, 1, 2)),
                layer("relu"),
                layer("avgpool2d", pool(2)),
                layer("conv2d", conv(16, 5, 1, 0)),
                layer("relu"),
                layer("avgpool2d", pool(2)),
                layer("flatten"),
                dense(120),
                layer("relu"),
                dense(84),
                layer("relu"),
                layer("linear", bias)};
    if (preset == QLatin1String("cnn2"))
        return {layer("conv2d", conv(32, 5, 1, 2)),
                layer("relu"),
                layer("maxpool2d", pool(2)),
                layer("conv2d", conv(64, 5, 1, 2)),
                layer("relu"),
                layer("maxpool2d", pool(2)),
                layer("flatten"),
                dense(1024),
                layer("relu"),
                layer("dropout", {{QStringLiteral("p"), 0.4}}),
                layer("linear", bias)};
    if (preset == QLatin1String("resnet20")) {
        std::vector<LayerSpec> layers = {layer("conv2d", conv(16, 3, 1, 1, false)),
                                         layer("batchnorm2d", kBatchNorm), layer("relu")};
        for (int stage = 0; stage < 3; ++stage) {
            const int channels = 16 << stage;
            for (int block = 0; block < 3; ++block) {
                layers.push_back(basicBlock(channels, stage > 0 && block == 0 ? 2 : 1));
                layers.push_back(layer("relu"));
            }
        }
        layers.push_back(layer("adaptive_avgpool2d", {{QStringLiteral("out"), 1}}));
        layers.push_back(layer("flatten"));
        layers.push_back(layer("linear", bias));
        return layers;
    }
    if (preset == QLatin1String("transformer")) {
        const QJsonObject encoder{{QStringLiteral("heads"), 4},
                                  {QStringLiteral("ff"), 128},
                                  {QStringLiteral("dropout"), 0.1},
                                  {QStringLiteral("activation"), QStringLiteral("gelu")}};
        return {layer("to_sequence"),
                dense(64),
                layer("positional_embedding"),
                layer("transformer_encoder", encoder),
                layer("transformer_encoder", encoder),
                layer("layernorm", {{QStringLiteral("eps"), 1e-5}}),
                layer("sequence_mean"),
                layer("linear", bias)};
    }
    return {};
}

} // namespace trainlab
