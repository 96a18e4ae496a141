#include "store/sql/Reports.h"

#include "store/sql/RunQueries.h"
#include "store/sql/SweepQueries.h"
#include "sweep/ParetoFront.h"
#include "util/Json.h"

#include <QJsonArray>

namespace trainlab::reports {

namespace {

QJsonValue optionalJson(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString& text) {
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

/// The sweep's objectives as its spec gave them: one object or a list.
QJsonArray objectivesOf(const SweepRecord& sweep) {
    const QJsonValue objective =
        sweep.spec.value(QStringLiteral("sweep")).toObject().value(QStringLiteral("objective"));
    return objective.isArray() ? objective.toArray() : QJsonArray{objective};
}

} // namespace

QJsonObject run(Database& db, const RunRecord& run) {
    const RunMetricSummary metrics = runs::metricSummary(db, run.id);
    QJsonObject report{
        {QStringLiteral("id"), run.id},
        {QStringLiteral("name"), run.name},
        {QStringLiteral("status"), runStatusName(run.status)},
        {QStringLiteral("error"), textOrNull(run.error)},
        {QStringLiteral("params"), run.params},
        {QStringLiteral("final"), toJsonObject(metrics.final)},
        {QStringLiteral("best"), toJsonObject(metrics.best)},
        {QStringLiteral("energy_j"), optionalJson(run.energyJ)},
        {QStringLiteral("energy_source"), textOrNull(run.energySource)},
        {QStringLiteral("system_samples"), runs::systemSampleCount(db, run.id)},
        {QStringLiteral("device_hours"), optionalJson(run.deviceHours)},
        {QStringLiteral("cost"), optionalJson(run.cost)},
        {QStringLiteral("devices"), run.devices},
        {QStringLiteral("started"), textOrNull(run.started)},
        {QStringLiteral("ended"), textOrNull(run.ended)},
        {QStringLiteral("environment"),
         run.environment.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.environment)},
        {QStringLiteral("tags"), QJsonArray::fromStringList(run.tags)},
        {QStringLiteral("note"), textOrNull(run.note)},
    };
    // What the techniques report: the sparsity pruning reached, quantization's size, latency
    // and accuracy before and after, what transfer learning loaded and froze, and the teacher
    // a distilled run learned from.
    for (const QString& kind : {QStringLiteral("pruning"), QStringLiteral("quantization"),
                                QStringLiteral("transfer"), QStringLiteral("distillation")}) {
        if (const auto payload = runs::artifact(db, run.id, kind))
            report.insert(kind, *payload);
    }
    if (run.sweep > 0) {
        report.insert(QStringLiteral("sweep"), run.sweep);
        report.insert(QStringLiteral("trial"), run.trial);
    }
    return report;
}

QJsonObject sweep(Database& db, const SweepRecord& sweep) {
    const QJsonArray objectives = objectivesOf(sweep);
    std::vector<bool> maximize;
    for (const auto& o : objectives)
        maximize.push_back(o.toObject().value(QStringLiteral("goal")).toString() ==
                           QLatin1String("maximize"));
    const QString first =
        objectives.isEmpty()
            ? QString()
            : objectives.first().toObject().value(QStringLiteral("metric")).toString();

    QJsonArray trialList;
    double saved = 0;
    const TrialRecord* best = nullptr;
    const auto all = sweeps::trials(db, sweep.id);
    std::vector<std::vector<double>> rows;
    std::vector<int> rowTrials;
    for (const TrialRecord& t : all) {
        trialList.append(
            QJsonObject{{QStringLiteral("trial"), t.trial},
                        {QStringLiteral("run"), t.run.id},
                        {QStringLiteral("status"), runStatusName(t.run.status)},
                        {QStringLiteral("params"), t.run.params},
                        {QStringLiteral("metrics"), toJsonObject(t.metrics)},
                        {QStringLiteral("energy_j"), optionalJson(t.run.energyJ)},
                        {QStringLiteral("device_hours"), optionalJson(t.run.deviceHours)},
                        {QStringLiteral("cost"), optionalJson(t.run.cost)},
                        {QStringLiteral("error"), textOrNull(t.run.error)}});
        saved += t.savedDeviceHours.value_or(0);
        if (t.run.status != RunStatus::Completed || !t.metrics.contains(first))
            continue;
        if (!best || (maximize.front() ? t.metrics.value(first) > best->metrics.value(first)
                                       : t.metrics.value(first) < best->metrics.value(first)))
            best = &t;
        std::vector<double> row;
        for (const auto& o : objectives) {
            const QString metric = o.toObject().value(QStringLiteral("metric")).toString();
            if (!t.metrics.contains(metric))
                break;
            row.push_back(t.metrics.value(metric));
        }
        if (row.size() == size_t(objectives.size())) {
            rows.push_back(row);
            rowTrials.push_back(t.trial);
        }
    }
    QJsonArray pareto;
    for (int index : paretoFront(rows, maximize))
        pareto.append(rowTrials[size_t(index)]);
    QJsonValue bestJson;
    if (best)
        bestJson = QJsonObject{{QStringLiteral("trial"), best->trial},
                               {QStringLiteral("params"), best->run.params},
                               {QStringLiteral("metrics"), toJsonObject(best->metrics)}};
    const sweeps::SweepTotals totals = sweeps::totals(db, sweep.id);
    return {{QStringLiteral("id"), sweep.id},
            {QStringLiteral("name"), sweep.name},
            {QStringLiteral("status"), runStatusName(sweep.status)},
            {QStringLiteral("strategy"), sweep.strategy},
            {QStringLiteral("objective"), objectives},
            {QStringLiteral("best"), bestJson},
            {QStringLiteral("trials"), trialList},
            {QStringLiteral("pareto"), pareto},
            {QStringLiteral("importance"), sweep.importance},
            {QStringLiteral("saved_device_hours"), saved},
            {QStringLiteral("energy_j"), optionalJson(totals.energyJ)},
            {QStringLiteral("device_hours"), optionalJson(totals.deviceHours)},
            {QStringLiteral("cost"), optionalJson(totals.cost)},
            {QStringLiteral("error"), textOrNull(sweep.error)}};
}

} // namespace trainlab::reports
