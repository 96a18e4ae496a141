#pragma once

#include <QMetaType>
#include <QString>
#include <optional>

namespace trainlab {

/// One logged scalar. `step` counts optimizer steps; `epoch` is fractional within an epoch.
struct MetricPoint {
    qint64 run = 0;
    qint64 step = 0;
    double epoch = 0;
    QString name;
    double value = 0;
    double wallTime = 0; ///< seconds since the Unix epoch
};

/// Whether larger values of a metric are better; nullopt for metrics with no "better" (lr, step
/// time), which get no "best" entry.
std::optional<bool> metricHigherIsBetter(const QString& name);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::MetricPoint)
