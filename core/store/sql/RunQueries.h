#pragma once

#include "store/sql/Private.h"

#include "base/SystemSample.h"
#include "store/RunRecords.h"

#include <QVector>

#include <QStringList>
#include <vector>

namespace trainlab {

class Database;

/// SQL of runs, metrics, checkpoints and artifacts. The writer calls these on its connection,
/// readers on their own read-only one.
namespace runs {

/// The folder that belongs to run `run` alone: `<workspace>.trainlab/checkpoints/run-N`.
QString checkpointDirectory(const Database& db, qint64 run);
/// Inserts a run (and its experiment) in `queued` state with its checkpoint folder; with
/// `runningOn`, marked running on those devices in the same transaction.
RunPlace create(Database& db, const NewRun& run, const QString& runningOn = {});
/// See StoreWriter::beginResume.
RunPlace beginResume(Database& db, qint64 run, const QString& devices);
/// Marks a run running, owned by this process (so another process can tell if it dies).
void markRunning(Database& db, qint64 run, const QString& devices);
void setStatus(Database& db, qint64 run, RunStatus status);
/// Sets a final state with its error text, and adds this session's cost figures.
void finish(Database& db, const RunEnd& end);
/// The environment the run's latest session ran in (RunRecord::environment).
void setEnvironment(Database& db, qint64 run, const QJsonObject& environment);
void appendSystemSamples(Database& db, const QVector<SystemSample>& samples);
/// A run's samples after `afterTime` (Unix seconds), oldest first.
QVector<SystemSample> systemSamples(Database& db, qint64 run, double afterTime);
qint64 systemSampleCount(Database& db, qint64 run);
/// Keeps one row per kind (best, last): the newest replaces the older.
void recordCheckpoint(Database& db, const CheckpointRecord& checkpoint);
void storeArtifact(Database& db, qint64 run, const QString& kind, const QJsonObject& payload);
/// The newest artifact of `kind` a run stored; nullopt when there is none.
std::optional<QJsonObject> artifact(Database& db, qint64 run, const QString& kind);
/// A run's recorded checkpoints (at most a best and a last), oldest first.
std::vector<CheckpointRecord> checkpoints(Database& db, qint64 run);
/// Appends metric rows in the caller's transaction.
/// Inserts the points and keeps run_summaries current.
void appendMetrics(Database& db, const QVector<MetricPoint>& points);
/// Works run_summaries out again from the run's metric rows (after rows were deleted).
void resummarize(Database& db, qint64 run);

std::vector<RunRecord> list(Database& db);
/// Every run, newest first, with its last value of `metric`: one query over runs and
/// run_summaries.
std::vector<RunListLine> listLines(Database& db, const QString& metric);
std::optional<RunRecord> find(Database& db, qint64 run);
/// Runs queued, running or paused, oldest first (few; read through the status index).
std::vector<RunRecord> unfinished(Database& db);
/// The runs `ids` that exist, in one query, in no particular order.
std::vector<RunRecord> findAll(Database& db, const QList<qint64>& ids);
QStringList metricNames(Database& db, qint64 run);
/// What changes when the runs list must be read again: a run added or removed, or a run that
/// starts, pauses or ends, a tag or note edited. Cheap at any size: a count, the newest id, the
/// unfinished runs and the labels' version.
QString listSignature(Database& db);
/// See WorkspaceReader::metricSeries.
QVector<MetricPoint> metricSeries(Database& db, qint64 run, const QString& name, int maxPoints = 0);
/// The newest metric row of a run (0: none), the mark metricsAfter continues from.
qint64 lastMetricRow(Database& db, qint64 run);
/// A run's rows of the metrics `names` written after row `afterRow`, in row order; `lastRow`
/// becomes the newest row read (unchanged when there is none).
QVector<MetricPoint> metricsAfter(Database& db, qint64 run, const QStringList& names,
                                  qint64 afterRow, qint64& lastRow);
RunMetricSummary metricSummary(Database& db, qint64 run);

} // namespace runs

} // namespace trainlab
