#include "model/LayerContext.h"

#include "base/Errors.h"
#include "model/LayerType.h"

#include <QJsonArray>
#include <algorithm>
#include <stdexcept>

namespace trainlab {

LayerContext::LayerContext(const LayerType& type, const LayerSpec& spec, QString path, Shape input,
                           int64_t outputSize, int depth, NestedInference* nested)
    : type_(&type)
    , spec_(&spec)
    , path_(std::move(path))
    , input_(std::move(input))
    , outputSize_(outputSize)
    , depth_(depth)
    , nested_(nested) {}

QJsonValue LayerContext::value(const char* name) const {
    const QJsonValue given = spec_->params.value(QLatin1String(name));
    if (!given.isUndefined())
        return given;
    // Specs built in code (presets, tests) may leave fields out that the loader would fill.
    const LayerField* field = type_->field(QString::fromLatin1(name));
    return field ? field->defaultValue : QJsonValue();
}

int64_t LayerContext::integer(const char* name, int64_t fallback) const {
    const QJsonValue v = value(name);
    return v.isDouble() ? v.toInteger() : fallback;
}

double LayerContext::number(const char* name, double fallback) const {
    return value(name).toDouble(fallback);
}

bool LayerContext::boolean(const char* name, bool fallback) const {
    return value(name).toBool(fallback);
}

QString LayerContext::choice(const char* name) const {
    return value(name).toString();
}

std::vector<LayerSpec> LayerContext::layers(const char* name) const {
    std::vector<LayerSpec> nested;
    for (const QJsonValue& v : value(name).toArray()) {
        QJsonObject params = v.toObject();
        const QString type = params.take(QStringLiteral("type")).toString();
        nested.push_back({type, params});
    }
    return nested;
}

LayerEstimate LayerContext::inferNested(const char* name, const Shape& input) const {
    // Factories see layers whose inference is done; only the analysis hands out `nested_`.
    if (!nested_)
        throw std::logic_error("LayerContext::inferNested: no nested inference here");
    return nested_->inferNested(layers(name), path_ + QLatin1Char('.') + QLatin1String(name), input,
                                depth_ + 1);
}

void LayerContext::fail(const QString& message) const {
    throw InputError(path_ + QStringLiteral(": ") + typeName() + QLatin1Char(' ') + message);
}

void LayerContext::requireRank(std::initializer_list<size_t> ranks, const QString& expected) const {
    if (std::find(ranks.begin(), ranks.end(), input_.size()) == ranks.end())
        fail(QStringLiteral("expects %1, gets %2").arg(expected, shapeText(input_)));
}

int64_t LayerContext::slidingOutput(int64_t size, int64_t kernel, int64_t stride, int64_t padding,
                                    int64_t dilation) const {
    const int64_t span = dilation * (kernel - 1) + 1;
    const int64_t out = (size + 2 * padding - span) / stride + 1;
    if (size + 2 * padding < span || out <= 0)
        fail(QStringLiteral("kernel %1 does not fit the input size %2 (padding %3)")
                 .arg(span)
                 .arg(size)
                 .arg(padding));
    return out;
}

} // namespace trainlab
