#include "data/InputSchema.h"

#include "base/Errors.h"
#include "data/TensorDataset.h"

#include <QJsonArray>

namespace trainlab {

namespace {

std::vector<double> tensorValues(const torch::Tensor& t) {
    if (!t.defined())
        return {};
    const auto values = t.detach().to(torch::kFloat64).contiguous().flatten();
    const double* first = values.data_ptr<double>();
    return std::vector<double>(first, first + values.numel());
}

QJsonArray numbersJson(const std::vector<double>& values) {
    QJsonArray array;
    for (double v : values)
        array.append(v);
    return array;
}

std::vector<double> numbersFrom(const QJsonValue& value, const QString& key,
                                const QString& source) {
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        throw InputError(QStringLiteral("%1: %2 must be a list of numbers").arg(source, key));
    std::vector<double> out;
    for (const auto& v : value.toArray()) {
        if (!v.isDouble())
            throw InputError(QStringLiteral("%1: %2 must be a list of numbers").arg(source, key));
        out.push_back(v.toDouble());
    }
    return out;
}

} // namespace

std::vector<SchemaColumn> schemaColumns(const InputSchema& schema) {
    std::vector<SchemaColumn> columns;
    for (qsizetype i = 0; i < schema.featureNames.size(); ++i) {
        const QString& name = schema.featureNames[i];
        const bool numeric =
            size_t(i) >= schema.numericFeature.size() || schema.numericFeature[size_t(i)];
        if (numeric) {
            columns.push_back({name, true, {}, int(i)});
            continue;
        }
        const qsizetype eq = name.indexOf(QLatin1Char('='));
        const QString column = eq < 0 ? name : name.left(eq);
        const QString category = eq < 0 ? QString() : name.mid(eq + 1);
        if (columns.empty() || columns.back().numeric || columns.back().name != column)
            columns.push_back({column, false, {}, int(i)});
        columns.back().categories << category;
    }
    return columns;
}

InputSchema inputSchemaOf(const DatasetSplits& data, const DatasetSpec& spec) {
    InputSchema schema;
    schema.source = spec.source;
    schema.regression = data.task == TaskKind::Regression;
    schema.classNames = data.classNames;
    schema.inputShape = data.sampleShape;
    schema.images = data.images;
    schema.resizeImages = spec.source == QLatin1String("image_folder");
    if (data.normalization.enabled()) {
        schema.mean = tensorValues(data.normalization.mean);
        schema.std = tensorValues(data.normalization.std);
    }
    if (!data.images) {
        schema.featureNames = data.featureNames;
        schema.numericFeature = data.numericFeature;
        schema.fillMean = tensorValues(data.fillMean);
    }
    schema.csv = spec.csv;
    return schema;
}

QJsonObject inputSchemaToJson(const InputSchema& schema) {
    QJsonArray shape;
    for (int64_t d : schema.inputShape)
        shape.append(qint64(d));
    QJsonObject json{
        {QStringLiteral("source"), schema.source},
        {QStringLiteral("task"),
         schema.regression ? QStringLiteral("regression") : QStringLiteral("classification")},
        {QStringLiteral("classes"), QJsonArray::fromStringList(schema.classNames)},
        {QStringLiteral("input_shape"), shape},
        {QStringLiteral("images"), schema.images},
    };
    if (schema.images)
        json.insert(QStringLiteral("resize"), schema.resizeImages);
    if (!schema.mean.empty())
        json.insert(QStringLiteral("normalization"),
                    QJsonObject{{QStringLiteral("mean"), numbersJson(schema.mean)},
                                {QStringLiteral("std"), numbersJson(schema.std)}});
    if (!schema.images) {
        QJsonArray features;
        for (qsizetype i = 0; i < schema.featureNames.size(); ++i)
            features.append(QJsonObject{
                {QStringLiteral("name"), schema.featureNames[i]},
                {QStringLiteral("numeric"),
                 size_t(i) >= schema.numericFeature.size() || schema.numericFeature[size_t(i)]},
                {QStringLiteral("fill"),
                 size_t(i) < schema.fillMean.size() ? schema.fillMean[size_t(i)] : 0.0}});
        json.insert(QStringLiteral("features"), features);
    }
    if (schema.source == QLatin1String("csv"))
        json.insert(QStringLiteral("csv"),
                    QJsonObject{{QStringLiteral("label"), schema.csv.label},
                                {QStringLiteral("delimiter"), schema.csv.delimiter},
                                {QStringLiteral("header"), schema.csv.header}});
    return json;
}

InputSchema inputSchemaFromJson(const QJsonObject& json, const QString& source) {
    InputSchema schema;
    schema.source = json.value(QStringLiteral("source")).toString();
    schema.regression =
        json.value(QStringLiteral("task")).toString() == QLatin1String("regression");
    for (const auto& name : json.value(QStringLiteral("classes")).toArray())
        schema.classNames << name.toString();
    for (const auto& d : json.value(QStringLiteral("input_shape")).toArray())
        schema.inputShape.push_back(d.toInteger());
    if (schema.inputShape.empty())
        throw InputError(QStringLiteral("%1: no input_shape").arg(source));
    schema.images = json.value(QStringLiteral("images")).toBool();
    schema.resizeImages = json.value(QStringLiteral("resize")).toBool();
    const QJsonObject norm = json.value(QStringLiteral("normalization")).toObject();
    schema.mean = numbersFrom(norm.value(QStringLiteral("mean")), QStringLiteral("mean"), source);
    schema.std = numbersFrom(norm.value(QStringLiteral("std")), QStringLiteral("std"), source);
    if (schema.mean.size() != schema.std.size())
        throw InputError(QStringLiteral("%1: normalization has %2 means but %3 standard deviations")
                             .arg(source)
                             .arg(schema.mean.size())
                             .arg(schema.std.size()));
    for (const auto& value : json.value(QStringLiteral("features")).toArray()) {
        const QJsonObject feature = value.toObject();
        schema.featureNames << feature.value(QStringLiteral("name")).toString();
        schema.numericFeature.push_back(feature.value(QStringLiteral("numeric")).toBool(true));
        schema.fillMean.push_back(feature.value(QStringLiteral("fill")).toDouble());
    }
    if (schema.images && schema.inputShape.size() != 3)
        throw InputError(QStringLiteral("%1: images need an input_shape [C, H, W]").arg(source));
    const QJsonObject csv = json.value(QStringLiteral("csv")).toObject();
    schema.csv.label = csv.value(QStringLiteral("label")).toString();
    schema.csv.delimiter = csv.value(QStringLiteral("delimiter")).toString(schema.csv.delimiter);
    schema.csv.header = csv.value(QStringLiteral("header")).toString(schema.csv.header);
    return schema;
}

} // namespace trainlab
