#include "model/LayerCatalog.h"

#include <QJsonObject>

namespace trainlab {

namespace {

using Range = JsonObjectReader::Range;

LayerParamDef intParam(const QString& name, QJsonValue def, Range range, const QString& help) {
    return {name, LayerParamKind::Integer, def, range, {}, help};
}

LayerParamDef numberParam(const QString& name, double def, Range range, const QString& help) {
    return {name, LayerParamKind::Number, def, range, {}, help};
}

LayerParamDef boolParam(const QString& name, bool def, const QString& help) {
    return {name, LayerParamKind::Boolean, def, {}, {}, help};
}

std::vector<LayerTypeDef> buildCatalog() {
    const Range positive{1, std::numeric_limits<double>::infinity()};
    const Range probability{0, 1, false, true};
    return {
        {QStringLiteral("linear"),
         QStringLiteral("Fully connected layer"),
         {intParam(QStringLiteral("out"), QJsonValue(QJsonValue::Undefined), positive,
                   QStringLiteral("output features; omitted: the task's output size")),
          boolParam(QStringLiteral("bias"), true, QStringLiteral("learn an additive bias"))}},
        {QStringLiteral("flatten"), QStringLiteral("Flattens all but the batch dimension"), {}},
        {QStringLiteral("relu"), QStringLiteral("max(0, x)"), {}},
        {QStringLiteral("gelu"), QStringLiteral("Gaussian error linear unit"), {}},
        {QStringLiteral("silu"), QStringLiteral("x * sigmoid(x)"), {}},
        {QStringLiteral("tanh"), QStringLiteral("Hyperbolic tangent"), {}},
        {QStringLiteral("sigmoid"), QStringLiteral("Logistic function"), {}},
        {QStringLiteral("leaky_relu"),
         QStringLiteral("max(slope * x, x)"),
         {numberParam(QStringLiteral("slope"), 0.01, Range{0, 1},
                      QStringLiteral("slope for negative inputs"))}},
        {QStringLiteral("dropout"),
         QStringLiteral("Zeroes activations with probability p while training"),
         {numberParam(QStringLiteral("p"), 0.5, probability,
                      QStringLiteral("drop probability"))}},
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
        QJsonValue result = param.defaultValue;
        switch (param.kind) {
        case LayerParamKind::Integer: {
            int v = result.toInt();
            const bool present = reader.has(param.name);
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
    reader.finish();
    return layer;
}

QStringList modelPresetNames() { return {QStringLiteral("mlp")}; }

std::vector<LayerSpec> expandPreset(const QString& preset) {
    auto layer = [](const char* type, QJsonObject params = {}) {
        return LayerSpec{QString::fromLatin1(type), std::move(params)};
    };
    if (preset == QLatin1String("mlp")) {
        return {layer("flatten"),
                layer("linear", {{QStringLiteral("out"), 128}, {QStringLiteral("bias"), true}}),
                layer("relu"),
                layer("linear", {{QStringLiteral("out"), 128}, {QStringLiteral("bias"), true}}),
                layer("relu"),
                layer("linear", {{QStringLiteral("bias"), true}})};
    }
    return {};
}

} // namespace trainlab
