#include "store/RunReport.h"

#include "store/RunQueries.h"

namespace trainlab {

namespace {

QJsonValue optionalJson(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString& text) {
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject toJson(const QMap<QString, double>& values) {
    QJsonObject object;
    for (auto it = values.begin(); it != values.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

} // namespace

QJsonObject runReportJson(Database& db, const RunRecord& run) {
    const RunMetricSummary metrics = runs::metricSummary(db, run.id);
    return {
        {QStringLiteral("id"), run.id},
        {QStringLiteral("name"), run.name},
        {QStringLiteral("status"), runStatusName(run.status)},
        {QStringLiteral("error"), textOrNull(run.error)},
        {QStringLiteral("params"), run.params},
        {QStringLiteral("final"), toJson(metrics.final)},
        {QStringLiteral("best"), toJson(metrics.best)},
        {QStringLiteral("energy_j"), optionalJson(run.energyJ)},
        {QStringLiteral("device_hours"), optionalJson(run.deviceHours)},
        {QStringLiteral("cost"), optionalJson(run.cost)},
        {QStringLiteral("devices"), run.devices},
        {QStringLiteral("started"), textOrNull(run.started)},
        {QStringLiteral("ended"), textOrNull(run.ended)},
    };
}

QJsonArray runListJson(Database& db) {
    QJsonArray array;
    for (const RunRecord& run : runs::list(db))
        array.append(runReportJson(db, run));
    return array;
}

} // namespace trainlab
