#include "model/LayerField.h"

namespace trainlab {

namespace {

LayerField field(const char* name, LayerFieldKind kind, QJsonValue defaultValue, NumberRange range,
                 const char* help) {
    LayerField f;
    f.name = QString::fromUtf8(name);
    f.kind = kind;
    f.defaultValue = std::move(defaultValue);
    f.range = range;
    f.help = QString::fromUtf8(help);
    return f;
}

} // namespace

LayerField intField(const char* name, int defaultValue, NumberRange range, const char* help) {
    return field(name, LayerFieldKind::Integer, defaultValue, range, help);
}

LayerField requiredIntField(const char* name, NumberRange range, const char* help) {
    LayerField f = field(name, LayerFieldKind::Integer, QJsonValue::Undefined, range, help);
    f.required = true;
    return f;
}

LayerField inferredIntField(const char* name, NumberRange range, const char* help) {
    return field(name, LayerFieldKind::Integer, QJsonValue::Undefined, range, help);
}

LayerField numberField(const char* name, double defaultValue, NumberRange range, const char* help) {
    return field(name, LayerFieldKind::Number, defaultValue, range, help);
}

LayerField boolField(const char* name, bool defaultValue, const char* help) {
    return field(name, LayerFieldKind::Boolean, defaultValue, {}, help);
}

LayerField choiceField(const char* name, const char* defaultValue, const QStringList& allowed,
                       const char* help) {
    LayerField f = field(name, LayerFieldKind::Choice, QString::fromUtf8(defaultValue), {}, help);
    f.allowed = allowed;
    return f;
}

LayerField layerListField(const char* name, const char* help) {
    LayerField f = field(name, LayerFieldKind::LayerList, QJsonValue::Undefined, {}, help);
    f.required = true;
    return f;
}

} // namespace trainlab
