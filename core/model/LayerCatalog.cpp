#include "model/LayerCatalog.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab {

namespace {

using Range = JsonObjectReader::Range;
constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kPositive{1, kInf};
const Range kNonNegative{0, kInf};
const Range kProbability{0, 1, false, true};
const QJsonValue kNone(QJsonValue::Undefined);

LayerParamDef intParam(const QString& name, QJsonValue def, Range range, const QString& help) {
    return {name, LayerParamKind::Integer, def, range, {}, help};
}

LayerParamDef numberParam(const QString& name, double def, Range range, const QString& help) {
    return {name, LayerParamKind::Number, def, range, {}, help};
}

LayerParamDef boolParam(const QString& name, bool def, const QString& help) {
    return {name, LayerParamKind::Boolean, def, {}, {}, help};
}

LayerParamDef choiceParam(const QString& name, const QString& def, const QStringList& allowed,
                          const QString& help) {
    return {name, LayerParamKind::String, def, {}, allowed, help};
}

std::vector<LayerParamDef> convParams() {
    return {intParam(QStringLiteral("out"), kNone, kPositive, QStringLiteral("output channels")),
            intParam(QStringLiteral("kernel"), 3, kPositive, QStringLiteral("kernel size")),
            intParam(QStringLiteral("stride"), 1, kPositive, QStringLiteral("stride")),
            intParam(QStringLiteral("padding"), 0, kNonNegative,
                     QStringLiteral("zero padding on each side")),
            intParam(QStringLiteral("dilation"), 1, kPositive, QStringLiteral("dilation")),
            intParam(QStringLiteral("groups"), 1, kPositive, QStringLiteral("channel groups")),
            boolParam(QStringLiteral("bias"), true, QStringLiteral("learn an additive bias"))};
}

std::vector<LayerParamDef> poolParams() {
    return {intParam(QStringLiteral("kernel"), 2, kPositive, QStringLiteral("window size")),
            intParam(QStringLiteral("stride"), kNone, kPositive,
                     QStringLiteral("step; omitted: the kernel size")),
            intParam(QStringLiteral("padding"), 0, kNonNegative, QStringLiteral("padding"))};
}

std::vector<LayerParamDef> normParams() {
    return {numberParam(QStringLiteral("eps"), 1e-5, Range{0, 1, true, false},
                        QStringLiteral("added to the variance")),
            numberParam(QStringLiteral("momentum"), 0.1, kProbability,
                        QStringLiteral("running statistics momentum"))};
}

std::vector<LayerParamDef> recurrentParams() {
    return {intParam(QStringLiteral("hidden"), kNone, kPositive, QStringLiteral("hidden size")),
            intParam(QStringLiteral("layers"), 1, Range{1, 16}, QStringLiteral("stacked layers")),
            boolParam(QStringLiteral("bidirectional"), false, QStringLiteral("read both ways")),
            numberParam(QStringLiteral("dropout"), 0.0, kProbability,
                        QStringLiteral("between stacked layers")),
            choiceParam(QStringLiteral("output"), QStringLiteral("last"),
                        {QStringLiteral("last"), QStringLiteral("sequence")},
                        QStringLiteral("the last step only, or every step"))};
}

std::vector<LayerTypeDef> buildCatalog() {
    auto simple = [](const char* type, const char* help) {
        return LayerTypeDef{QString::fromLatin1(type), QString::fromLatin1(help), {}};
    };
    return {
        {QStringLiteral("linear"),
         QStringLiteral("Fully connected layer over the last dimension"),
         {intParam(QStringLiteral("out"), kNone, kPositive,
                   QStringLiteral("output features; omitted: the task's output size")),
          intParam(QStringLiteral("in"), kNone, kPositive,
                   QStringLiteral("expected input features; omitted: inferred")),
          boolParam(QStringLiteral("bias"), true, QStringLiteral("learn an additive bias"))}},
        {QStringLiteral("conv1d"), QStringLiteral("1-D convolution over [C, L]"), convParams()},
        {QStringLiteral("conv2d"), QStringLiteral("2-D convolution over [C, H, W]"), convParams()},
        {QStringLiteral("batchnorm1d"), QStringLiteral("Batch normalization of [C] or [C, L]"),
         normParams()},
        {QStringLiteral("batchnorm2d"), QStringLiteral("Batch normalization of [C, H, W]"),
         normParams()},
        {QStringLiteral("layernorm"),
         QStringLiteral("Layer normalization over the last dimension"),
         {numberParam(QStringLiteral("eps"), 1e-5, Range{0, 1, true, false},
                      QStringLiteral("added to the variance"))}},
        {QStringLiteral("dropout"),
         QStringLiteral("Zeroes activations with probability p while training"),
         {numberParam(QStringLiteral("p"), 0.5, kProbability, QStringLiteral("drop probability"))}},
        simple("relu", "max(0, x)"),
        simple("gelu", "Gaussian error linear unit"),
        simple("silu", "x * sigmoid(x)"),
        simple("tanh", "Hyperbolic tangent"),
        simple("sigmoid", "Logistic function"),
        {QStringLiteral("leaky_relu"),
         QStringLiteral("max(slope * x, x)"),
         {numberParam(QStringLiteral("slope"), 0.01, Range{0, 1},
                      QStringLiteral("slope for negative inputs"))}},
        {QStringLiteral("maxpool1d"), QStringLiteral("Max over windows of [C, L]"), poolParams()},
        {QStringLiteral("avgpool1d"), QStringLiteral("Mean over windows of [C, L]"), poolParams()},
        {QStringLiteral("maxpool2d"), QStringLiteral("Max over windows of [C, H, W]"),
         poolParams()},
        {QStringLiteral("avgpool2d"), QStringLiteral("Mean over windows of [C, H, W]"),
         poolParams()},
        {QStringLiteral("adaptive_avgpool1d"),
         QStringLiteral("Mean pooling of [C, L] to a fixed length"),
         {intParam(QStringLiteral("out"), 1, kPositive, QStringLiteral("output length"))}},
        {QStringLiteral("adaptive_avgpool2d"),
         QStringLiteral("Mean pooling of [C, H, W] to a fixed size"),
         {intParam(QStringLiteral("out"), 1, kPositive,
                   QStringLiteral("output height and width"))}},
        simple("flatten", "Flattens all but the batch dimension"),
        simple("to_sequence",
               "Images [C, H, W] to a sequence of rows [H, C*W]; features [F] to [F, 1]"),
        simple("sequence_mean", "Mean over the sequence: [L, E] to [E]"),
        {QStringLiteral("embedding"),
         QStringLiteral("Token ids [L] to vectors [L, dim]"),
         {intParam(QStringLiteral("vocab"), kNone, kPositive,
                   QStringLiteral("number of token ids")),
          intParam(QStringLiteral("dim"), kNone, kPositive, QStringLiteral("vector size"))}},
        simple("positional_embedding", "Adds a learned vector per sequence position to [L, E]"),
        {QStringLiteral("lstm"), QStringLiteral("Long short-term memory over [L, F]"),
         recurrentParams()},
        {QStringLiteral("gru"), QStringLiteral("Gated recurrent unit over [L, F]"),
         recurrentParams()},
        {QStringLiteral("attention"),
         QStringLiteral("Multi-head self-attention over [L, E]"),
         {intParam(QStringLiteral("heads"), 4, kPositive, QStringLiteral("attention heads")),
          numberParam(QStringLiteral("dropout"), 0.0, kProbability,
                      QStringLiteral("on attention weights"))}},
        {QStringLiteral("transformer_encoder"),
         QStringLiteral("Transformer encoder layer over [L, E]"),
         {intParam(QStringLiteral("heads"), 4, kPositive, QStringLiteral("attention heads")),
          intParam(QStringLiteral("ff"), kNone, kPositive,
                   QStringLiteral("feed-forward width; omitted: 4 * E")),
          numberParam(QStringLiteral("dropout"), 0.1, kProbability, QStringLiteral("dropout")),
          choiceParam(QStringLiteral("activation"), QStringLiteral("relu"),
                      {QStringLiteral("relu"), QStringLiteral("gelu")},
                      QStringLiteral("feed-forward activation"))}},
        {QStringLiteral("residual"),
         QStringLiteral("Nested layers whose output is added to the input (projected when the "
                        "shapes differ)"),
         {}},
    };
}

} // namespace

const std::vector<LayerTypeDef>& layerCatalog() {
    static const std::vector<LayerTypeDef> catalog = buildCatalog();
    return catalog;
}

const LayerTypeDef* findLayerType(const QString& type) {
    for (const auto& def : layerCatalog()) {
        if (def.type == type)
            return &def;
    }
    return nullptr;
}

LayerSpec readLayerSpec(const QJsonValue& value, const QString& path, QStringList& errors) {
    LayerSpec layer;
    if (!value.isObject()) {
        errors << path + QStringLiteral(": must be an object, got ") + describeJson(value);
        return layer;
    }
    JsonObjectReader reader(value.toObject(), path, errors);
    QStringList typeNames;
    for (const auto& def : layerCatalog())
        typeNames << def.type;
    if (!reader.has(QStringLiteral("type"))) {
        reader.error(QStringLiteral("type"), QStringLiteral("missing (one of ") +
                                                 typeNames.join(QStringLiteral(", ")) +
                                                 QLatin1Char(')'));
        return layer;
    }
    reader.string(QStringLiteral("type"), layer.type, typeNames);
    const LayerTypeDef* def = findLayerType(layer.type);
    if (!def)
        return layer;
    for (const auto& param : def->params) {
        const bool present = reader.has(param.name);
        QJsonValue result = param.defaultValue;
        switch (param.kind) {
        case LayerParamKind::Integer: {
            int v = result.toInt();
            reader.integer(param.name, v, param.range);
            if (present)
                result = v;
            break;
        }
        case LayerParamKind::Number: {
            double v = result.toDouble();
            reader.number(param.name, v, param.range);
            result = v;
            break;
        }
        case LayerParamKind::Boolean: {
            bool v = result.toBool();
            reader.boolean(param.name, v);
            result = v;
            break;
        }
        case LayerParamKind::String: {
            QString v = result.toString();
            reader.string(param.name, v, param.allowed);
            result = v;
            break;
        }
        case LayerParamKind::Invalid:
            break;
        }
        if (!result.isUndefined())
            layer.params.insert(param.name, result);
    }
    // Required parameters: those with no default that the builder cannot infer.
    static const QStringList inferable = {QStringLiteral("linear.out"),
                                          QStringLiteral("linear.in"),
                                          QStringLiteral("maxpool1d.stride"),
                                          QStringLiteral("avgpool1d.stride"),
                                          QStringLiteral("maxpool2d.stride"),
                                          QStringLiteral("avgpool2d.stride"),
                                          QStringLiteral("transformer_encoder.ff")};
    for (const auto& param : def->params) {
        if (param.defaultValue.isUndefined() && !reader.has(param.name) &&
            !inferable.contains(layer.type + QLatin1Char('.') + param.name))
            reader.error(param.name, QStringLiteral("missing (%1)").arg(param.help));
    }
    if (layer.type == QLatin1String("residual")) {
        const QJsonValue inner = reader.raw(QStringLiteral("layers"));
        if (!inner.isArray() || inner.toArray().isEmpty()) {
            reader.error(QStringLiteral("layers"),
                         QStringLiteral("must be a non-empty list of layers, got ") +
                             describeJson(inner));
        } else {
            QJsonArray checked;
            const QJsonArray array = inner.toArray();
            for (qsizetype i = 0; i < array.size(); ++i) {
                const LayerSpec child = readLayerSpec(
                    array[i], reader.pathOf(QStringLiteral("layers[%1]").arg(i)), errors);
                QJsonObject object = child.params;
                object.insert(QStringLiteral("type"), child.type);
                checked.append(object);
            }
            layer.params.insert(QStringLiteral("layers"), checked);
        }
    }
    reader.finish();
    return layer;
}

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
