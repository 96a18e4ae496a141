#include "store/RunComparison.h"

#include "util/Json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace trainlab {

namespace {

/// A JSON value as a table cell: strings bare, everything else as compact JSON (numbers in
/// their shortest exact form).
QString cellText(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Object:
        return compactJson(value.toObject());
    case QJsonValue::Array:
        return compactJson(value.toArray());
    case QJsonValue::Undefined:
        return RunComparison::kMissing;
    default: {
        const QString text = compactJson(QJsonArray{value}); // "[0.001]"
        return text.mid(1, text.size() - 2);
    }
    }
}

bool holdsObjects(const QJsonArray& array) {
    return std::any_of(array.begin(), array.end(),
                       [](const QJsonValue& v) { return v.isObject() || v.isArray(); });
}

void flattenInto(const QJsonValue& value, const QString& path, QMap<QString, QString>& out) {
    if (value.isObject() && !value.toObject().isEmpty()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flattenInto(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(),
                        out);
        return;
    }
    if (value.isArray() && holdsObjects(value.toArray())) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            flattenInto(array[i], path + QStringLiteral("[%1]").arg(i), out);
        return;
    }
    out.insert(path, cellText(value));
}

/// The fields among `configs` whose values are not all the same, in path order.
QVector<ConfigDifference> differing(const QVector<QMap<QString, QString>>& configs) {
    QStringList fields;
    for (const auto& config : configs)
        fields += config.keys();
    fields.sort();
    fields.removeDuplicates();
    QVector<ConfigDifference> result;
    for (const QString& field : std::as_const(fields)) {
        ConfigDifference difference{field, {}};
        for (const auto& config : configs)
            difference.values << config.value(field, RunComparison::kMissing);
        if (difference.values.count(difference.values.first()) != difference.values.size())
            result.append(difference);
    }
    return result;
}

} // namespace

QMap<QString, QString> flattenConfig(const QJsonObject& spec, const QString& prefix) {
    QMap<QString, QString> out;
    if (!spec.isEmpty()) // nothing recorded: no fields, rather than one "{}"
        flattenInto(spec, prefix, out);
    return out;
}

QVector<ConfigDifference> configDifferences(const std::vector<RunRecord>& runs) {
    if (runs.size() < 2)
        return {};
    QVector<QMap<QString, QString>> specs;
    QVector<QMap<QString, QString>> environments;
    for (const RunRecord& run : runs) {
        specs.append(flattenConfig(parseJsonObject(run.spec)));
        environments.append(flattenConfig(run.environment, QStringLiteral("environment")));
    }
    return differing(specs) + differing(environments);
}

QVector<ComparedMetric> compareMetrics(const QVector<QMap<QString, StoredSummary>>& summaries,
                                       const QMap<QString, bool>& goals) {
    QStringList names;
    for (const auto& run : summaries)
        names += run.keys();
    names.sort();
    names.removeDuplicates();
    QVector<ComparedMetric> metrics;
    for (const QString& name : std::as_const(names)) {
        ComparedMetric metric{name, metricHigherIsBetter(name), {}};
        if (!metric.higherIsBetter && goals.contains(name))
            metric.higherIsBetter = goals.value(name);
        for (const auto& run : summaries) {
            MetricFigures figures;
            if (const auto it = run.find(name); it != run.end()) {
                figures.final = it->last;
                if (metric.higherIsBetter)
                    figures.best = *metric.higherIsBetter ? it->max : it->min;
            }
            metric.figures.append(figures);
        }
        metrics.append(metric);
    }
    return metrics;
}

QVector<double> energyAtSteps(const RunCurve& energy, const QVector<double>& steps) {
    QVector<double> joules;
    joules.reserve(steps.size());
    const QVector<double>& at = energy.step;
    const QVector<double>& used = energy.value;
    for (const double step : steps) {
        const auto next = std::upper_bound(at.begin(), at.end(), step);
        const qsizetype i = next - at.begin();
        if (i >= at.size()) {
            joules.append(used.isEmpty() ? 0.0 : used.last());
            continue;
        }
        // Between the previous reading (or zero at step 0) and the next one.
        const double x0 = i > 0 ? at[i - 1] : 0.0;
        const double y0 = i > 0 ? used[i - 1] : 0.0;
        const double x1 = at[i];
        const double y1 = used[i];
        joules.append(x1 > x0 ? y0 + (y1 - y0) * (step - x0) / (x1 - x0) : y1);
    }
    return joules;
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

qint64 writeCurvesCsv(QIODevice& out, const QVector<RunCurve>& curves, bool withHeader) {
    if (withHeader)
        out.write("run,metric,step,epoch,wall_time,value\n");
    qint64 rows = 0;
    QByteArray line;
    for (const RunCurve& curve : curves) {
        const QByteArray prefix =
            QByteArray::number(curve.run) + ',' + csvField(curve.name).toUtf8() + ',';
        const bool stepped = curve.step.size() == curve.value.size();
        for (qsizetype i = 0; i < curve.value.size(); ++i) {
            line = prefix;
            if (stepped)
                line += QByteArray::number(qint64(curve.step[i])) + ',' +
                        QByteArray::number(curve.epoch[i], 'g', 17);
            else
                line += ',';
            line += ',' + QByteArray::number(curve.wallTime[i], 'f', 3) + ',' +
                    QByteArray::number(curve.value[i], 'g', 17) + '\n';
            out.write(line);
            ++rows;
        }
    }
    return rows;
}

} // namespace trainlab
