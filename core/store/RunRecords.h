#pragma once

#include "base/MetricPoint.h"
#include "base/RunStatus.h"

#include <QJsonObject>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QVector>
#include <optional>

namespace trainlab {

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

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunRecord)
