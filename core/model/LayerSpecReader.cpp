#include "model/LayerSpecReader.h"

#include "model/LayerRegistry.h"
#include "util/JsonObjectReader.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab {

namespace {

QJsonValue readLayerList(JsonObjectReader& reader, const LayerField& field) {
    const QJsonValue inner = reader.raw(field.name);
    if (!inner.isArray() || inner.toArray().isEmpty()) {
        reader.error(field.name, QStringLiteral("must be a non-empty list of layers, got ") +
                                     describeJson(inner));
        return QJsonValue::Undefined;
    }
    QJsonArray checked;
    const QJsonArray array = inner.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const LayerSpec child = readLayerSpec(
            array[i], reader.pathOf(field.name + QStringLiteral("[%1]").arg(i)), reader.errors());
        QJsonObject object = child.params;
        object.insert(QStringLiteral("type"), child.type);
        checked.append(object);
    }
    return checked;
}

// The field's value with its default filled; undefined when it has neither.
QJsonValue readField(JsonObjectReader& reader, const LayerField& field) {
    const bool present = reader.has(field.name);
    QJsonValue result = field.defaultValue;
    switch (field.kind) {
    case LayerFieldKind::Integer: {
        int v = result.toInt();
        reader.integer(field.name, v, field.range);
        // Without a default, only a given value is kept: the layer infers the rest.
        if (present)
            result = v;
        break;
    }
    case LayerFieldKind::Number: {
        double v = result.toDouble();
        reader.number(field.name, v, field.range);
        result = v;
        break;
    }
    case LayerFieldKind::Boolean: {
        bool v = result.toBool();
        reader.boolean(field.name, v);
        result = v;
        break;
    }
    case LayerFieldKind::Choice: {
        QString v = result.toString();
        reader.string(field.name, v, field.allowed);
        result = v;
        break;
    }
    case LayerFieldKind::LayerList:
        result = readLayerList(reader, field);
        break;
    case LayerFieldKind::Invalid:
        break;
    }
    return result;
}

} // namespace

LayerSpec readLayerSpec(const QJsonValue& value, const QString& path, QStringList& errors) {
    LayerSpec layer;
    if (!value.isObject()) {
        errors << path + QStringLiteral(": must be an object, got ") + describeJson(value);
        return layer;
    }
    JsonObjectReader reader(value.toObject(), path, errors);
    const QStringList typeNames = layerRegistry().names();
    if (!reader.has(QStringLiteral("type"))) {
        reader.error(QStringLiteral("type"), QStringLiteral("missing (one of ") +
                                                 typeNames.join(QStringLiteral(", ")) +
                                                 QLatin1Char(')'));
        return layer;
    }
    reader.string(QStringLiteral("type"), layer.type, typeNames);
    const LayerType* type = layerRegistry().find(layer.type);
    if (!type)
        return layer;
    for (const LayerField& field : type->fields) {
        const QJsonValue result = readField(reader, field);
        if (!result.isUndefined())
            layer.params.insert(field.name, result);
    }
    // A missing layer list says so in its own words (above).
    for (const LayerField& field : type->fields) {
        if (field.required && field.kind != LayerFieldKind::LayerList && !reader.has(field.name))
            reader.error(field.name, QStringLiteral("missing (%1)").arg(field.help));
    }
    reader.finish();
    return layer;
}

} // namespace trainlab
