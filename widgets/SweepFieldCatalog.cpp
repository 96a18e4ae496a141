#include "SweepFieldCatalog.h"

#include "TrainingFields.h"

#include "model/LayerRegistry.h"
#include "spec/SpecOverrides.h"

#include <QRegularExpression>
#include <cmath>

namespace trainlab {

namespace {

// Limits and kind of a field, whichever table it comes from.
struct FieldFacts {
    bool known = false;
    bool integer = false;
    bool number = false;
    bool logScale = false;
    double min = -INFINITY;
    double max = INFINITY;
    bool maxExclusive = false;
    QJsonArray choices;
    QJsonValue defaultValue;
};

const LayerField* layerFieldAt(const QJsonObject& spec, const QString& path) {
    static const QRegularExpression pattern(QStringLiteral(R"(^model\.layers\[(\d+)\]\.(\w+)$)"));
    const QRegularExpressionMatch m = pattern.match(path);
    if (!m.hasMatch())
        return nullptr;
    const QJsonValue layer = specValue(spec, QStringLiteral("model.layers[%1]").arg(m.captured(1)));
    const LayerType* type =
        layerRegistry().find(layer.toObject().value(QStringLiteral("type")).toString());
    return type ? type->field(m.captured(2)) : nullptr;
}

FieldFacts factsOf(const QJsonObject& spec, const QString& path) {
    FieldFacts f;
    if (const TrainingField* t = findTrainingField(path)) {
        f.known = true;
        f.integer = t->kind == TrainingFieldKind::Integer;
        f.number = t->kind == TrainingFieldKind::Number;
        f.logScale = t->logScale;
        f.min = t->min;
        f.max = t->max;
        f.maxExclusive = t->maxExclusive;
        f.defaultValue = t->defaultValue;
        if (t->kind == TrainingFieldKind::Boolean)
            f.choices = {false, true};
        for (const QString& c : t->choices) {
            if (!c.isEmpty())
                f.choices.append(c);
        }
    } else if (const LayerField* l = layerFieldAt(spec, path)) {
        f.known = true;
        f.integer = l->kind == LayerFieldKind::Integer;
        f.number = l->kind == LayerFieldKind::Number;
        f.min = l->range.min;
        f.max = l->range.max;
        f.maxExclusive = l->range.maxExclusive;
        f.defaultValue = l->defaultValue;
        if (l->kind == LayerFieldKind::Boolean)
            f.choices = {false, true};
        for (const QString& c : l->allowed)
            f.choices.append(c);
    }
    return f;
}

void addDatasetLeaves(const QJsonObject& object, const QString& prefix,
                      QList<SweepFieldOption>& options) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString path = prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            addDatasetLeaves(it.value().toObject(), path, options);
        else if (it.value().isDouble() || it.value().isBool())
            options.append(
                {path, QObject::tr("dataset field, now %1")
                           .arg(it.value().isBool()
                                    ? QString::fromLatin1(it.value().toBool() ? "true" : "false")
                                    : QString::number(it.value().toDouble()))});
    }
}

} // namespace

QList<SweepFieldOption> sweepFieldOptions(const QJsonObject& spec) {
    QList<SweepFieldOption> options;
    for (const TrainingField& field : trainingFields()) {
        if (field.kind == TrainingFieldKind::Text || field.kind == TrainingFieldKind::IntegerList)
            continue;
        if (!field.controlledBy.isEmpty()) {
            const QJsonValue controller = specValue(spec, field.controlledBy);
            const TrainingField* c = findTrainingField(field.controlledBy);
            if (!field.appliesWhen(controller.toString(c ? c->defaultValue.toString() : QString())))
                continue;
        }
        options.append({field.path, QObject::tr("%1: %2").arg(field.label, field.help)});
    }
    const QJsonArray layers = specValue(spec, QStringLiteral("model.layers")).toArray();
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const QString typeName = layers[i].toObject().value(QStringLiteral("type")).toString();
        const LayerType* type = layerRegistry().find(typeName);
        if (!type)
            continue;
        for (const LayerField& field : type->fields) {
            if (field.kind == LayerFieldKind::LayerList || field.kind == LayerFieldKind::Invalid)
                continue;
            options.append({QStringLiteral("model.layers[%1].%2").arg(i).arg(field.name),
                            QStringLiteral("%1: %2").arg(typeName, field.help)});
        }
    }
    addDatasetLeaves(spec.value(QStringLiteral("dataset")).toObject(), QStringLiteral("dataset"),
                     options);
    return options;
}

SweepParamRow defaultSweepParam(const QJsonObject& spec, const QString& path) {
    const FieldFacts f = factsOf(spec, path);
    QJsonValue current = specValue(spec, path);
    if (current.isUndefined())
        current = f.defaultValue;
    SweepParamRow row;
    row.path = path;
    if (!f.choices.isEmpty()) {
        row.kind = ParamKind::Choice;
        row.choices = f.choices;
        return row;
    }
    if (current.isBool()) {
        row.kind = ParamKind::Choice;
        row.choices = {false, true};
        return row;
    }
    const double max = f.maxExclusive ? std::nextafter(f.max, f.min) : f.max;
    const auto clampToField = [&](double v) { return std::clamp(v, f.min, max); };
    const double v = current.toDouble(0);
    if (f.integer || (!f.known && current.isDouble() && v == std::floor(v) && v >= 1)) {
        // A count: from half to twice what the spec has (a layer width of 64: 32 to 128).
        const double base = v >= 1 ? v : 8;
        row.kind = ParamKind::Integer;
        row.low = std::ceil(clampToField(std::max(1.0, std::round(base / 2))));
        row.high = std::floor(clampToField(std::round(base * 2)));
        if (row.high <= row.low)
            row.high = row.low + 1;
        return row;
    }
    if (f.logScale) {
        row.kind = ParamKind::LogUniform;
        row.low = v > 0 ? v / 10 : 1e-5;
        row.high = v > 0 ? v * 10 : 1e-1;
        return row;
    }
    row.kind = ParamKind::Uniform;
    if (max <= 1 && f.min >= 0) { // a share or probability: the sensible half of [0, 1)
        row.low = clampToField(v > 0 ? v / 2 : 0);
        row.high = clampToField(v > 0 ? std::min(v * 2, 0.9) : 0.5);
    } else {
        row.low = clampToField(v > 0 ? v / 2 : 0);
        row.high = clampToField(v > 0 ? v * 2 : 1);
    }
    if (row.high <= row.low)
        row.high = row.low + (max <= 1 ? 0.1 : 1);
    return row;
}

} // namespace trainlab
