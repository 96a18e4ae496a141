#pragma once

#include "base/RunControl.h"
#include "jobs/RunJob.h"
#include "store/RunRecords.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QVector>
#include <memory>

namespace trainlab {

class StoreWriter;

/// Runs jobs on its own thread (a QObject moved to a QThread, see BackendHost). Commands come in
/// as queued slot calls; progress goes out as signals, metrics batched to at most
/// kMaxBatchesPerSecond so a receiver on the GUI thread stays responsive. Cancel and pause are
/// atomics any thread may set directly: the busy backend sees them between steps.
class Backend : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxBatchesPerSecond = 20;

    explicit Backend(QString databasePath);
    ~Backend() override;

    /// Thread-safe: stop the current run after its current step (it ends `cancelled`).
    void requestCancel() { control_.cancel.store(true); }
    /// Thread-safe: hold or release the current run between steps.
    void setPaused(bool paused) { control_.pause.store(paused); }
    RunControl& control() { return control_; }

public Q_SLOTS:
    /// Queues a run. Runs execute one after another, in the order requested.
    void startRun(const trainlab::RunRequest& request);

Q_SIGNALS:
    void runStarted(qint64 runId, const QString& name);
    void metricsBatch(const QVector<trainlab::MetricPoint>& points);
    void runMessage(qint64 runId, const QString& line);
    void runFinished(qint64 runId, const QString& status, const QString& error);
    /// The database could not be opened or written; nothing ran.
    void storeFailed(const QString& message);

private:
    class Observer;
    void flushMetrics(bool force);

    QString databasePath_;
    std::unique_ptr<StoreWriter> writer_;
    RunControl control_;
    QVector<MetricPoint> pendingMetrics_;
    QElapsedTimer sinceLastBatch_;
};

/// Owns a Backend and the thread it lives on. Destruction cancels the current run and waits for
/// the thread, so nothing outlives its owner.
class BackendHost {
public:
    explicit BackendHost(const QString& databasePath);
    ~BackendHost();
    BackendHost(const BackendHost&) = delete;
    BackendHost& operator=(const BackendHost&) = delete;

    Backend* backend() const { return backend_; }
    /// Queues a run on the backend thread.
    void startRun(const RunRequest& request);

private:
    QThread thread_;
    Backend* backend_ = nullptr;
};

/// Registers the value types that cross threads in queued signals.
void registerSessionMetaTypes();

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunRequest)
