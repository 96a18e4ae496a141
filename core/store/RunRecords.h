#pragma once

#include <QJsonObject>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QVector>
#include <optional>

namespace trainlab {

enum class RunStatus {
    Invalid,
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    Pruned,
    Interrupted
};

QString runStatusName(RunStatus status);
RunStatus runStatusFromName(const QString& name);
/// True for the states a run ends in.
bool isFinalStatus(RunStatus status);

/// One logged scalar. `step` counts optimizer steps; `epoch` is fractional within an epoch.
struct MetricPoint {
    qint64 run = 0;
    qint64 step = 0;
    double epoch = 0;
    QString name;
    double value = 0;
    double wallTime = 0; ///< seconds since the Unix epoch
};

/// A row of the runs table, as the runs list and `show` present it.
struct RunRecord {
    qint64 id = 0;
    qint64 experiment = 0;
    QString name;
    RunStatus status = RunStatus::Invalid;
    QJsonObject params; ///< the --set overrides that made this run, path -> value
    QString spec;       ///< the complete spec JSON the run used
    QString devices;
    QString created;
    QString started;
    QString ended;
    QString error;
    std::optional<double> energyJ;
    std::optional<double> deviceHours;
    std::optional<double> cost;
    QString checkpointDir; ///< inside the workspace's own folder
};

/// Per-metric values for `show`: the last logged value and the best one.
struct RunMetricSummary {
    QMap<QString, double> final;
    QMap<QString, double> best;
};

/// Whether larger values of a metric are better; nullopt for metrics with no "better" (lr, step
/// time), which get no "best" entry.
std::optional<bool> metricHigherIsBetter(const QString& name);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::MetricPoint)
Q_DECLARE_METATYPE(trainlab::RunRecord)
