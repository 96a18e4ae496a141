#pragma once

#include "base/SystemSample.h"
#include "base/WorkerHost.h"
#include "store/RunComparison.h"
#include "store/RunEvaluation.h"
#include "store/RunRecords.h"
#include "store/RunTable.h"
#include "store/SweepSummary.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QVector>
#include <atomic>
#include <memory>

class QTimer;

namespace trainlab {

class WorkspaceReader;

/// A run as the runs list shows it: the record and its last value of every metric.
struct RunListEntry {
    RunRecord run;
    QMap<QString, double> finalMetrics;
};

/// Reads history on its own thread with its own read-only connection, so the GUI never waits
/// on the database. Requests come in as queued calls (see HistoryReaderHost); results leave as
/// signals. Series are downsampled here, before they reach a plot.
class HistoryReader : public QObject {
    Q_OBJECT
public:
    explicit HistoryReader(QString databasePath);
    ~HistoryReader() override;

    /// Polling period while a run written by another process is followed.
    static constexpr int kFollowMs = 1000;
    /// How often the runs list is checked for changes, and how often it is read anyway while
    /// some run is unfinished (its latest metrics).
    static constexpr int kWatchMs = 1000;
    static constexpr int kUnfinishedReloadMs = 3000;

    void loadRuns();
    /// Keeps the runs list current: every kWatchMs asks whether it changed (a query that is
    /// cheap at any size) and emits runsLoaded when it did, so a run that another process
    /// starts or ends shows within a second while an idle workspace costs next to nothing.
    void watchRuns();
    /// Loads the series of `names`, each at most `maxPoints` long. The run is then followed:
    /// while another process trains it, its new rows arrive as seriesAppended (runs this
    /// process trains reach the window through the backend's live batches instead). Loading
    /// another run's series stops following the previous one.
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);
    /// Loads the run's telemetry readings after `afterTime` (Unix seconds); the window asks
    /// again while the run trains.
    void loadSystemSamples(qint64 runId, double afterTime);
    /// Loads the run's test evaluation (or why it has none) from its artifacts.
    void loadEvaluation(qint64 runId);
    /// Loads sweep `sweepId`'s trials, objectives, front and importance: answers sweepLoaded,
    /// or failed when there is no such sweep.
    void loadSweep(qint64 sweepId);
    /// Loads pre-flight result `id` (an lr-find curve): answers preflightLoaded, or failed.
    void loadPreflight(qint64 id);

    // The compare view's requests. Each carries the asker's `request` number, which its answer
    // (or requestFailed) repeats, so an answer to an older request can be told apart.

    /// Reads what a compare of `runs` shows besides curves: answers comparisonLoaded.
    void loadComparison(qint64 request, const QList<qint64>& runs);
    /// Reads the whole series `names` of `runs` in one query, not downsampled (the overlay
    /// decimates per pixel column as it zooms, which needs every point): answers
    /// curvesLoaded. Skipped when a newer request was noted meanwhile (noteCurvesRequest).
    void loadCurves(qint64 request, const QList<qint64>& runs, const QStringList& names);
    /// Reads the GPU memory, power and CPU % series of `runs`: answers curvesLoaded.
    void loadSystemCurves(qint64 request, const QList<qint64>& runs);
    /// Writes every metric series of `runs` to `path` as CSV (see writeCurvesCsv) here, off
    /// the GUI thread: answers curvesExported.
    void exportCurves(qint64 request, const QList<qint64>& runs, const QString& path);
    /// Thread-safe: `request` is the newest curves request; older ones not begun are dropped.
    void noteCurvesRequest(qint64 request) { newestCurves_.store(request); }

    // ---- the paged runs table (issue 12): ids in one query, rows a page at a time
    /// Orders and filters the runs (ids only); answers with runTableLoaded(request, ...).
    void loadRunTable(quint64 request, const trainlab::RunTableQuery& query);
    /// Reads the rows of `ids` with the hyperparameters `params`; answers runRowsLoaded.
    void loadRunRows(quint64 request, const QVector<qint64>& ids, const QStringList& params);
    /// The hyperparameters, metrics, tags and sweeps the table can offer.
    void loadRunColumns();
    /// Like watchRuns, but reads nothing more than the signature: when it changes, or every
    /// kUnfinishedReloadMs while some run is unfinished (its metrics move), runsChanged says
    /// so with the unfinished runs, and the table reads what it shows again.
    void watchRunTable();

Q_SIGNALS:
    void runsLoaded(const QVector<trainlab::RunListEntry>& runs);
    void seriesLoaded(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void seriesAppended(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void systemSamplesLoaded(qint64 runId, const QVector<trainlab::SystemSample>& samples);
    void runTableLoaded(quint64 request, const trainlab::RunTableIndex& index);
    void runRowsLoaded(quint64 request, const QVector<trainlab::RunTableRow>& rows);
    void runColumnsLoaded(const trainlab::RunColumnCatalog& catalog);
    void runsChanged(const QVector<trainlab::RunRecord>& unfinished);
    void evaluationLoaded(const trainlab::RunEvaluation& evaluation);
    void sweepLoaded(const trainlab::SweepSummary& sweep);
    void preflightLoaded(const trainlab::PreflightRecord& record);
    void failed(const QString& message);
    void comparisonLoaded(qint64 request, const trainlab::RunComparison& comparison);
    void curvesLoaded(qint64 request, const QVector<trainlab::RunCurve>& curves);
    void curvesExported(qint64 request, const QString& path, qint64 rows);
    /// A compare request failed: the file or run at fault and why.
    void requestFailed(qint64 request, const QString& message);

private:
    WorkspaceReader* reader();
    void pollFollowed();
    void pollRuns();
    void startWatch();
    /// Emits runsChanged with the unfinished runs, noting whether there are any.
    void announceRunsChanged(WorkspaceReader& workspace);
    /// Whether another live process is training `run` now.
    bool trainedElsewhere(qint64 run);

    QString databasePath_;
    std::unique_ptr<WorkspaceReader> reader_;
    QTimer* followTimer_ = nullptr;
    QTimer* watchTimer_ = nullptr;
    QString runsSignature_;
    bool tableWatch_ = false; ///< watchRunTable: announce changes instead of loading the list
    bool anyUnfinished_ = false;
    QElapsedTimer sinceRunsLoaded_;
    qint64 followedRun_ = 0;
    QStringList followedNames_;
    qint64 followedRow_ = 0;
    std::atomic<qint64> newestCurves_ = 0;
};

/// Owns a HistoryReader and its thread.
class HistoryReaderHost : public WorkerHost<HistoryReader> {
public:
    explicit HistoryReaderHost(const QString& databasePath);

    HistoryReader* reader() const { return worker(); }
    void loadRuns();
    void watchRuns();
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);
    void loadSystemSamples(qint64 runId, double afterTime);
    void loadComparison(qint64 request, const QList<qint64>& runs);
    void loadCurves(qint64 request, const QList<qint64>& runs, const QStringList& names);
    void loadSystemCurves(qint64 request, const QList<qint64>& runs);
    void exportCurves(qint64 request, const QList<qint64>& runs, const QString& path);
    void loadRunTable(quint64 request, const RunTableQuery& query);
    void loadRunRows(quint64 request, const QVector<qint64>& ids, const QStringList& params);
    void loadRunColumns();
    void watchRunTable();
    void loadEvaluation(qint64 runId);
    void loadSweep(qint64 sweepId);
    void loadPreflight(qint64 id);
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunListEntry)
Q_DECLARE_METATYPE(trainlab::SystemSample)
