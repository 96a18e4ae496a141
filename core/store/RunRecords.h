#pragma once

#include "base/MetricPoint.h"
#include "base/RunStatus.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace trainlab {

/// A row of the runs table, as the runs list and `show` present it.
struct RunRecord {
    qint64 id = 0;
    qint64 experiment = 0;
    QString name;
    RunStatus status = RunStatus::Invalid;
    QJsonObject params; ///< the --set overrides (or sweep point) that made this run
    QString spec;       ///< the complete spec JSON the run used
    QString devices;
    QString owner; ///< the process that runs (or paused) it, see ProcessToken.h
    QString created;
    QString started;
    QString ended;
    QString error;
    std::optional<double> energyJ;
    std::optional<double> deviceHours;
    std::optional<double> cost;
    QString energySource;  ///< "rapl", or "estimate: ..." (empty: no figure)
    QString checkpointDir; ///< inside the workspace's own folder
    qint64 sweep = 0;      ///< 0: not a trial
    int trial = 0;
    /// Where its latest session ran: LibTorch, CUDA and driver versions, CPU and GPU models,
    /// world size, Qt (see jobs/RunEnvironment.h); empty for runs from before it was kept.
    QJsonObject environment;
    QStringList tags; ///< sorted; see StoreWriter::tagRuns
    QString note;     ///< empty: none
};

/// A line of the `runs` listing: what it prints, without the spec, params and environment it
/// does not (at 10,000 runs those are most of the time and memory of reading the list).
struct RunListLine {
    qint64 id = 0;
    RunStatus status = RunStatus::Invalid;
    QString started;
    QString name;
    std::optional<double> metric; ///< the run's last value of the listed metric
};

/// `metrics` (a run's last value of each metric) with the run's own cost figures added under
/// the names a sweep objective uses for them: energy_j, device_hours and cost. The run's
/// energy_j replaces the last point of its logged energy_j series, which stops at the last
/// log window; the run's figure is the whole run.
inline QMap<QString, double> withRunFigures(QMap<QString, double> metrics, const RunRecord& run) {
    if (run.energyJ)
        metrics.insert(QStringLiteral("energy_j"), *run.energyJ);
    if (run.deviceHours)
        metrics.insert(QStringLiteral("device_hours"), *run.deviceHours);
    if (run.cost)
        metrics.insert(QStringLiteral("cost"), *run.cost);
    return metrics;
}

/// Per-metric values for `show`: the last logged value and the best one.
struct RunMetricSummary {
    QMap<QString, double> final;
    QMap<QString, double> best;
};

/// A pre-flight tool's stored result (preflight_results): what it found for a spec.
struct PreflightRecord {
    qint64 id = 0;
    QString kind; ///< lr_find
    QJsonObject spec;
    QJsonObject result;
    QString created;
};

/// A row of the sweeps table.
struct SweepRecord {
    qint64 id = 0;
    QString name;
    QString strategy;
    RunStatus status = RunStatus::Invalid; ///< never pruned
    QJsonObject spec;                      ///< the whole sweep spec, base spec included
    QString owner;
    QString created;
    QString ended;
    QString error;
    QJsonObject importance;
};

/// Metric points as of one moment, and the newest row they include (to continue from).
struct MetricSnapshot {
    QVector<MetricPoint> points;
    qint64 lastRow = 0;
};

/// One trial of a sweep: its run row, point and final metrics.
struct TrialRecord {
    int trial = 0;
    RunRecord run;
    std::optional<double> savedDeviceHours;
    QMap<QString, double> metrics; ///< final value per metric
};

// ---- What the job layer hands the store writer ---------------------------------------------

/// A run about to start: a fresh row in `queued` state.
struct NewRun {
    QString name;
    QString specJson; ///< compact JSON of the complete spec ("{}" for an external command)
    QJsonObject params;
    qint64 sweep = 0; ///< > 0: a trial of this sweep
    int trial = 0;
};

/// Where a created or resumed run keeps its checkpoints, and whose they are.
struct RunPlace {
    qint64 id = 0;
    QString checkpointDir;
    QString workspaceId;
    QString resumeFrom; ///< the checkpoint to continue from; empty: start at step 0
    qint64 resumeStep = 0;
};

/// A run's final state and this session's cost figures (they add up across resumes).
struct RunEnd {
    qint64 run = 0;
    RunStatus status = RunStatus::Invalid;
    QString error;
    std::optional<double> energyJ;
    std::optional<double> deviceHours;
    std::optional<double> cost;
    std::optional<double> savedDeviceHours; ///< a pruned trial: the compute it did not use
    QString energySource;                   ///< see RunRecord::energySource
};

struct CheckpointRecord {
    qint64 run = 0;
    qint64 step = 0;
    double epoch = 0;
    QString path;
    bool best = false; ///< the best weights by `metric`, else the resumable last state
    QString metric;    ///< best only
    double value = 0;  ///< best only
};

struct NewSweep {
    QString name;
    QString strategy;
    QJsonObject spec; ///< the whole sweep spec, for resume
    QJsonObject space;
    QJsonArray objectives;
};

/// What deleting runs removed (StoreWriter::deleteRuns).
struct DeletedRun {
    qint64 id = 0;
    QString name;
    qint64 metricRows = 0;
    qint64 systemSamples = 0;
    qint64 artifacts = 0;
    qint64 checkpoints = 0; ///< checkpoint rows
    int filesRemoved = 0;   ///< checkpoint files and folders taken off the disk
};

struct RunDeletion {
    QVector<DeletedRun> runs;
    QList<qint64> sweepsRemoved; ///< sweeps whose every trial went
    /// Files or folders that could not be removed (the rows are gone; the message says why).
    QStringList leftovers;
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunRecord)
Q_DECLARE_METATYPE(trainlab::PreflightRecord)
