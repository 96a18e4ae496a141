#include "store/CostReport.h"

#include "store/RunSavings.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <optional>

namespace trainlab {

namespace {

QJsonValue optionalJson(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue();
}

/// The cost techniques a spec turned on, each with its setting.
QJsonArray techniques(const QJsonObject& spec, const std::optional<TrialRecord>& trial) {
    QJsonArray used;
    const QJsonObject t = spec.value(QStringLiteral("training")).toObject();
    const QString precision = t.value(QStringLiteral("precision")).toString();
    if (!precision.isEmpty() && precision != QLatin1String("fp32"))
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("mixed_precision")},
                                {QStringLiteral("setting"), precision}});
    if (t.value(QStringLiteral("grad_accumulation")).toInt(1) > 1)
        used.append(QJsonObject{
            {QStringLiteral("technique"), QStringLiteral("grad_accumulation")},
            {QStringLiteral("setting"), t.value(QStringLiteral("grad_accumulation")).toInt()}});
    const QJsonObject early = t.value(QStringLiteral("early_stopping")).toObject();
    if (!early.value(QStringLiteral("metric")).toString().isEmpty())
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("early_stopping")},
                                {QStringLiteral("setting"), early}});
    const QJsonObject pruning = t.value(QStringLiteral("pruning")).toObject();
    if (pruning.value(QStringLiteral("sparsity")).toDouble() > 0)
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("pruning")},
                                {QStringLiteral("setting"), pruning}});
    const QJsonObject init = t.value(QStringLiteral("init_from")).toObject();
    if (!init.isEmpty())
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("transfer")},
                                {QStringLiteral("setting"), init}});
    const QJsonObject distill = t.value(QStringLiteral("distill")).toObject();
    if (!distill.isEmpty())
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("distillation")},
                                {QStringLiteral("setting"), distill}});
    if (trial && trial->savedDeviceHours)
        used.append(QJsonObject{{QStringLiteral("technique"), QStringLiteral("trial_pruned")},
                                {QStringLiteral("saved_device_hours"), *trial->savedDeviceHours}});
    return used;
}

struct RunCost {
    QJsonObject json;
    std::optional<double> seconds;
    std::optional<double> accuracy;
    QMap<QString, double> final; ///< the run's last value of each metric
};

RunCost runCost(WorkspaceReader& workspace, const RunRecord& run) {
    RunCost cost;
    cost.final = workspace.metricSummary(run.id).final;
    const QMap<QString, double>& final = cost.final;
    const QString metric = accuracyMetric(final);
    std::optional<TrialRecord> trial;
    if (run.sweep > 0)
        for (TrialRecord& t : workspace.trials(run.sweep))
            if (t.run.id == run.id)
                trial = std::move(t);
    cost.seconds = runWallSeconds(run);
    if (!metric.isEmpty())
        cost.accuracy = final.value(metric);
    const QJsonObject spec = QJsonDocument::fromJson(run.spec.toUtf8()).object();
    cost.json = {{QStringLiteral("run"), run.id},
                 {QStringLiteral("name"), run.name},
                 {QStringLiteral("status"), runStatusName(run.status)},
                 {QStringLiteral("wall_seconds"), optionalJson(cost.seconds)},
                 {QStringLiteral("device_hours"), optionalJson(run.deviceHours)},
                 {QStringLiteral("energy_j"), optionalJson(run.energyJ)},
                 {QStringLiteral("energy_source"),
                  run.energySource.isEmpty() ? QJsonValue() : QJsonValue(run.energySource)},
                 {QStringLiteral("cost"), optionalJson(run.cost)},
                 {QStringLiteral("accuracy_metric"), metric.isEmpty() ? QJsonValue() : metric},
                 {QStringLiteral("accuracy"), optionalJson(cost.accuracy)},
                 {QStringLiteral("techniques"), techniques(spec, trial)}};
    return cost;
}

/// The saving and its fraction of the baseline's figure, both null when unknown.
void addSaving(QJsonObject& saved, const QString& key, const std::optional<double>& amount,
               const std::optional<double>& baseline) {
    saved.insert(key, optionalJson(amount));
    saved.insert(key + QStringLiteral("_fraction"), optionalJson(savedFraction(amount, baseline)));
}

} // namespace

QJsonObject costReport(WorkspaceReader& workspace, const RunRecord& run,
                       const RunRecord* baseline) {
    const RunCost mine = runCost(workspace, run);
    QJsonObject report = mine.json;
    if (run.sweep > 0)
        if (const auto sweep = workspace.sweep(run.sweep)) {
            const QJsonObject summary = workspace.sweepReport(*sweep);
            report.insert(
                QStringLiteral("sweep"),
                QJsonObject{
                    {QStringLiteral("id"), sweep->id},
                    {QStringLiteral("name"), sweep->name},
                    {QStringLiteral("device_hours"), summary.value(QStringLiteral("device_hours"))},
                    {QStringLiteral("energy_j"), summary.value(QStringLiteral("energy_j"))},
                    {QStringLiteral("cost"), summary.value(QStringLiteral("cost"))},
                    {QStringLiteral("saved_device_hours"),
                     summary.value(QStringLiteral("saved_device_hours"))}});
        }
    if (!baseline)
        return report;
    const RunCost base = runCost(workspace, *baseline);
    report.insert(QStringLiteral("baseline"), base.json);
    const RunSavings savings = savingsAgainst(run, mine.final, *baseline, base.final);
    QJsonObject saved;
    addSaving(saved, QStringLiteral("wall_seconds"), savings.wallSeconds, base.seconds);
    addSaving(saved, QStringLiteral("device_hours"), savings.deviceHours, baseline->deviceHours);
    addSaving(saved, QStringLiteral("energy_j"), savings.energyJ, baseline->energyJ);
    addSaving(saved, QStringLiteral("cost"), savings.cost, baseline->cost);
    report.insert(QStringLiteral("saved"), saved);
    report.insert(QStringLiteral("accuracy_change"), optionalJson(savings.accuracyChange));
    return report;
}

} // namespace trainlab
