#pragma once

#include "base/SystemSample.h"
#include "base/WorkerHost.h"
#include "store/RunEvaluation.h"
#include "store/RunRecords.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QVector>
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

Q_SIGNALS:
    void runsLoaded(const QVector<trainlab::RunListEntry>& runs);
    void seriesLoaded(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void seriesAppended(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void systemSamplesLoaded(qint64 runId, const QVector<trainlab::SystemSample>& samples);
    void evaluationLoaded(const trainlab::RunEvaluation& evaluation);
    void failed(const QString& message);

private:
    WorkspaceReader* reader();
    void pollFollowed();
    void pollRuns();
    /// Whether another live process is training `run` now.
    bool trainedElsewhere(qint64 run);

    QString databasePath_;
    std::unique_ptr<WorkspaceReader> reader_;
    QTimer* followTimer_ = nullptr;
    QTimer* watchTimer_ = nullptr;
    QString runsSignature_;
    bool anyUnfinished_ = false;
    QElapsedTimer sinceRunsLoaded_;
    qint64 followedRun_ = 0;
    QStringList followedNames_;
    qint64 followedRow_ = 0;
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
    void loadEvaluation(qint64 runId);
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunListEntry)
Q_DECLARE_METATYPE(trainlab::SystemSample)
