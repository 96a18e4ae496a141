#include "store/SweepSummary.h"

#include "base/RunStatus.h"

#include <QJsonArray>
#include <QSet>
#include <algorithm>

namespace trainlab {

namespace {

QString text(const QJsonObject& o, const char* key) {
    return o.value(QLatin1String(key)).toString();
}

} // namespace

std::optional<double> SweepSummary::axisValue(const SweepTrialPoint& trial,
                                              const QString& field) const {
    const auto param = trial.params.constFind(field);
    if (param != trial.params.constEnd()) {
        if (param->typeId() == QMetaType::QString) {
            const qsizetype index = choices.value(field).indexOf(param->toString());
            return index < 0 ? std::nullopt : std::optional<double>(double(index));
        }
        bool ok = false;
        const double value = param->toDouble(&ok);
        return ok ? std::optional<double>(value) : std::nullopt;
    }
    const auto metric = trial.metrics.constFind(field);
    if (metric != trial.metrics.constEnd())
        return *metric;
    return std::nullopt;
}

std::optional<double> SweepSummary::objectiveValue(const SweepTrialPoint& trial) const {
    if (objectives.isEmpty() || trial.status != RunStatus::Completed)
        return std::nullopt;
    const auto value = trial.metrics.constFind(objectives.front().metric);
    return value == trial.metrics.constEnd() ? std::nullopt : std::optional<double>(*value);
}

bool SweepSummary::better(double a, double b) const {
    const bool maximize = objectives.isEmpty() || objectives.front().maximize;
    return maximize ? a > b : a < b;
}

const SweepTrialPoint* SweepSummary::trial(int number) const {
    for (const SweepTrialPoint& t : trials)
        if (t.trial == number)
            return &t;
    return nullptr;
}

SweepSummary sweepSummaryFromReport(const QJsonObject& report) {
    SweepSummary sweep;
    sweep.id = report.value(QStringLiteral("id")).toInteger();
    sweep.name = text(report, "name");
    sweep.strategy = text(report, "strategy");
    sweep.status = runStatusFromName(text(report, "status"));
    sweep.error = text(report, "error");
    for (const QJsonValue& value : report.value(QStringLiteral("objective")).toArray()) {
        const QJsonObject o = value.toObject();
        sweep.objectives.append({text(o, "metric"), text(o, "goal") != QLatin1String("minimize")});
    }
    QSet<QString> params;
    QSet<QString> metrics;
    QMap<QString, QSet<QString>> choices;
    for (const QJsonValue& value : report.value(QStringLiteral("trials")).toArray()) {
        const QJsonObject t = value.toObject();
        SweepTrialPoint point;
        point.trial = t.value(QStringLiteral("trial")).toInt();
        point.run = t.value(QStringLiteral("run")).toInteger();
        point.status = runStatusFromName(text(t, "status"));
        point.error = text(t, "error");
        const QJsonObject p = t.value(QStringLiteral("params")).toObject();
        for (auto it = p.begin(); it != p.end(); ++it) {
            params.insert(it.key());
            if (it->isString())
                choices[it.key()].insert(it->toString());
            else if (it->isBool())
                choices[it.key()].insert(it->toBool() ? QStringLiteral("true")
                                                      : QStringLiteral("false"));
            if (it->isBool())
                point.params.insert(it.key(), it->toBool() ? QStringLiteral("true")
                                                           : QStringLiteral("false"));
            else
                point.params.insert(it.key(), it->toVariant());
        }
        const QJsonObject m = t.value(QStringLiteral("metrics")).toObject();
        for (auto it = m.begin(); it != m.end(); ++it)
            if (it->isDouble()) {
                point.metrics.insert(it.key(), it->toDouble());
                metrics.insert(it.key());
            }
        sweep.trials.append(point);
    }
    std::sort(sweep.trials.begin(), sweep.trials.end(),
              [](const SweepTrialPoint& a, const SweepTrialPoint& b) { return a.trial < b.trial; });
    sweep.params = params.values();
    sweep.params.sort();
    sweep.metrics = metrics.values();
    sweep.metrics.sort();
    for (auto it = choices.begin(); it != choices.end(); ++it) {
        QStringList values = it->values();
        values.sort();
        sweep.choices.insert(it.key(), values);
    }
    for (const QJsonValue& value : report.value(QStringLiteral("pareto")).toArray())
        sweep.pareto.append(value.toInt());
    const QJsonObject importance = report.value(QStringLiteral("importance")).toObject();
    for (auto it = importance.begin(); it != importance.end(); ++it)
        sweep.importance.append({it.key(), it->toDouble()});
    std::stable_sort(sweep.importance.begin(), sweep.importance.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return sweep;
}

QVector<int> leaderboardOrder(const SweepSummary& sweep) {
    QVector<int> ranked;
    QVector<int> others;
    for (int i = 0; i < sweep.trials.size(); ++i)
        (sweep.objectiveValue(sweep.trials[i]) ? ranked : others).append(i);
    std::stable_sort(ranked.begin(), ranked.end(), [&sweep](int a, int b) {
        return sweep.better(*sweep.objectiveValue(sweep.trials[a]),
                            *sweep.objectiveValue(sweep.trials[b]));
    });
    return ranked + others;
}

QVector<std::optional<double>> bestSoFar(const SweepSummary& sweep) {
    QVector<std::optional<double>> best;
    std::optional<double> current;
    for (const SweepTrialPoint& trial : sweep.trials) {
        if (const auto value = sweep.objectiveValue(trial);
            value && (!current || sweep.better(*value, *current)))
            current = value;
        best.append(current);
    }
    return best;
}

bool insideBrushes(const SweepSummary& sweep, const SweepTrialPoint& trial,
                   const QVector<AxisBrush>& brushes) {
    for (const AxisBrush& brush : brushes) {
        const auto value = sweep.axisValue(trial, brush.field);
        if (!value || *value < brush.low || *value > brush.high)
            return false;
    }
    return true;
}

} // namespace trainlab
