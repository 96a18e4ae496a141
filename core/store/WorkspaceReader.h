#pragma once

#include "base/SystemSample.h"
#include "store/RunComparison.h"
#include "store/RunRecords.h"
#include "store/RunTable.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <memory>
#include <vector>

namespace trainlab {

class Database;

/// Reads a workspace through its own read-only connection: runs, metrics, sweeps and the JSON
/// documents of `show` and `show-sweep`. Used by the CLI's query verbs and, on its worker
/// thread, by the window's history reader. A connection whose locks were lost (see
/// Database::walReplaced) is replaced before the next query.
class WorkspaceReader {
public:
    /// Opens `path` for reading. When the file is writable it is first brought up to date (the
    /// schema migrated, runs of dead processes marked interrupted); a read-only or locked
    /// workspace is read as it is. Throws StoreError or NotAWorkspaceError naming the file.
    explicit WorkspaceReader(const QString& path);
    ~WorkspaceReader();
    WorkspaceReader(const WorkspaceReader&) = delete;
    WorkspaceReader& operator=(const WorkspaceReader&) = delete;

    const QString& path() const { return path_; }

    std::vector<RunRecord> runs();
    /// The `runs` listing: each run's id, status, start, name and last value of `metric`.
    std::vector<RunListLine> runLines(const QString& metric);
    std::optional<RunRecord> run(qint64 id);
    /// Runs queued, running or paused now.
    std::vector<RunRecord> unfinishedRuns();

    /// The runs table (see store/RunTable.h): the ordered ids a query selects, the rows of a
    /// page of ids with the hyperparameters `params`, and the columns the table can offer.
    RunTableIndex runTableIndex(const RunTableQuery& query);
    QVector<RunTableRow> runTableRows(const QVector<qint64>& ids, const QStringList& params);
    RunColumnCatalog runColumnCatalog();
    QStringList metricNames(qint64 run);
    /// Changes whenever runs() would list other runs or other statuses (see listSignature).
    QString runsSignature();
    /// The series of one metric, at most `maxPoints` long (0: all; a column with a NaN or an
    /// infinity may keep one point more): longer series keep the first, min, max and last
    /// point of each of maxPoints / 4 columns of steps, so spikes survive.
    QVector<MetricPoint> metricSeries(qint64 run, const QString& name, int maxPoints = 0);
    /// The run's telemetry readings after `afterTime` (Unix seconds), oldest first.
    QVector<SystemSample> systemSamples(qint64 run, double afterTime = 0);
    RunMetricSummary metricSummary(qint64 run);
    /// The series of `names` (each at most `maxPoints` long) and the row they end at, read in
    /// one snapshot, so following the run from `lastRow` neither misses nor repeats a row.
    MetricSnapshot metricSnapshot(qint64 run, const QStringList& names, int maxPoints);
    /// The rows of `names` a run logged after row `afterRow` (all of them: a live view wants
    /// every new point) and the newest row read.
    MetricSnapshot metricsAfter(qint64 run, const QStringList& names, qint64 afterRow);
    /// What the compare view shows of `runs` besides curves (see RunComparison), read in one
    /// snapshot. Throws InputError naming a run that does not exist.
    RunComparison comparison(const QList<qint64>& runs);
    /// The whole series `names` of `runs`, by run then name (see compare::curves).
    QVector<RunCurve> curves(const QList<qint64>& runs, const QStringList& names);
    /// The GPU memory, power and CPU % series of `runs` (see compare::systemCurves).
    QVector<RunCurve> systemCurves(const QList<qint64>& runs);
    /// The newest artifact of `kind` run `run` stored (input_schema, pruning, quantization,
    /// ...); nullopt when there is none.
    std::optional<QJsonObject> artifact(qint64 run, const QString& kind);
    /// The run's recorded checkpoints: at most its best weights and its resumable last state.
    std::vector<CheckpointRecord> checkpoints(qint64 run);
    /// The `show RUN --json` document of DESIGN.md, with "evaluation" (see RunEvaluation.h)
    /// when the run has one.
    QJsonObject runReport(const RunRecord& run);
    /// `runs --json`: one runReport per run (without "evaluation"), newest first.
    QJsonArray runList();

    std::vector<SweepRecord> sweeps();
    std::optional<SweepRecord> sweep(qint64 id);
    std::vector<TrialRecord> trials(qint64 sweep);
    /// The `show-sweep SWEEP --json` document of DESIGN.md (plus "saved_device_hours").
    QJsonObject sweepReport(const SweepRecord& sweep);

    /// The stored pre-flight results of `kind` (every kind when empty), oldest first.
    std::vector<PreflightRecord> preflightResults(const QString& kind = {});
    /// The workspace's stored settings (text by key; see telemetry/CostSettings).
    QMap<QString, QString> settings();

private:
    Database& db();

    QString path_;
    std::unique_ptr<Database> db_;
};

/// Opens the workspace at `path` read-write once (creating it, migrating it, marking runs of
/// dead processes interrupted), so a problem with the file shows before any work starts.
/// Throws StoreError or NotAWorkspaceError naming the file.
void prepareWorkspace(const QString& path);

/// Whether writing `path` would hit the workspace at `workspacePath`: the database itself or
/// SQLite's files beside it (-wal, -shm, -journal). An export must never replace those.
bool isWorkspaceFile(const QString& path, const QString& workspacePath);

/// The version of the SQLite library in use.
QString sqliteVersion();

/// The database path used when --db is not given: AppDataLocation/trainlab.db.
QString defaultWorkspacePath();

} // namespace trainlab
