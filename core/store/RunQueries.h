#pragma once

#include "store/RunRecords.h"

#include <QStringList>
#include <vector>

namespace trainlab {

class Database;

/// Reads and writes of runs, experiments and metrics. Writers call these on the store writer's
/// connection; readers on their own read-only connection.
namespace runs {

qint64 createExperiment(Database& db, const QString& name, const QString& specJson);
/// Inserts a run in `queued` state and returns its id.
qint64 createRun(Database& db, const RunRecord& run);
/// Records the folder that holds the run's checkpoints.
void setCheckpointDirectory(Database& db, qint64 run, const QString& directory);
/// Marks a run running, owned by this process (so another process can tell if it dies).
void markRunning(Database& db, qint64 run, const QString& devices);
/// Sets a final state with its error text, and adds this session's cost figures.
void finish(Database& db, const RunRecord& run);
/// Appends metric rows in the caller's transaction.
void appendMetrics(Database& db, const QVector<MetricPoint>& points);

std::vector<RunRecord> list(Database& db);
std::optional<RunRecord> find(Database& db, qint64 run);
QStringList metricNames(Database& db, qint64 run);
/// The series of one metric, at most `maxPoints` long: longer series are reduced to each
/// bucket's first, min, max and last points so spikes survive the downsampling.
QVector<MetricPoint> metricSeries(Database& db, qint64 run, const QString& name, int maxPoints = 0);
RunMetricSummary metricSummary(Database& db, qint64 run);

} // namespace runs

} // namespace trainlab
