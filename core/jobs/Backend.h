#pragma once

#include "base/MetricPoint.h"
#include "base/WorkerHost.h"
#include "jobs/DevicePool.h"
#include "jobs/JobInfo.h"

#include <QObject>
#include <QVector>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

class QTimer;

namespace trainlab {

class Job;
class StoreWriter;

struct BackendOptions {
    QString databasePath;
    int cpuSlots = 0;                ///< the CPU's slots; 0: one per core
    std::optional<QStringList> gpus; ///< the GPUs to schedule on; nullopt: every one present
};

/// The one place jobs run, for the window and the CLI alike: a queue and a pool of device
/// slots. A job waits visibly as `queued` until the devices it demands are free, then runs on
/// its own worker thread; queued jobs can be removed or moved up. The backend is a QObject on
/// its own thread (see BackendHost): it starts jobs and emits their progress, metrics batched
/// to at most kMaxBatchesPerSecond. Every public method is thread-safe.
class Backend : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxBatchesPerSecond = 20;

    explicit Backend(BackendOptions options);
    ~Backend() override;

    /// Queues a job; returns its id. Throws InputError when it could never run here (a device
    /// that is not present, more CPU threads than cores).
    qint64 submit(std::unique_ptr<Job> job);
    /// A queued job ends `cancelled` at once; a running one stops after its current step.
    void cancel(qint64 id);
    void setPaused(qint64 id, bool paused);
    /// Takes a queued or finished job off the list; false for a running one.
    bool remove(qint64 id);
    /// Moves a queued job one place towards the head of the queue.
    bool moveUp(qint64 id);

    /// Running jobs, then queued ones in queue order, then finished ones, newest first.
    QVector<JobInfo> jobs() const;
    std::optional<JobInfo> job(qint64 id) const;
    int cpuSlots() const;
    QStringList gpus() const;

    /// Stops every job (a paused one stays paused in the store) and waits for their threads.
    /// Call from the owner's thread while the backend's thread still runs.
    void shutdown();

    /// Starts the update timer; called on the backend's thread (BackendHost does).
    void startOnThread();

Q_SIGNALS:
    void jobQueued(const trainlab::JobInfo& job);
    void jobStarted(const trainlab::JobInfo& job);
    /// Status or progress changed (at most kMaxBatchesPerSecond per job).
    void jobUpdated(const trainlab::JobInfo& job);
    void jobFinished(const trainlab::JobInfo& job);
    void jobRemoved(qint64 id);
    void metricsBatch(const QVector<trainlab::MetricPoint>& points);
    void jobMessage(qint64 jobId, qint64 runId, const QString& line);
    /// The workspace could not be opened; jobs fail with this message.
    void storeFailed(const QString& message);

private:
    class Context;
    struct Entry {
        std::shared_ptr<Job> job;
        std::function<void(const JobInfo&)> ended;
        DeviceGrant grant;
        std::thread thread;
        bool running = false;
        bool finished = false;
        qint64 sequence = 0; ///< finishing order, for the list
    };

    qint64 enqueue(std::unique_ptr<Job> job, qint64 parent,
                   std::function<void(const JobInfo&)> ended);
    /// Starts every queued job, in order, while the head's devices are free.
    void schedule();
    void runJob(std::shared_ptr<Job> job, Context* context);
    void onJobEnded(qint64 id);
    void endQueued(std::unique_lock<std::mutex>& lock, qint64 id);
    void flushUpdates();
    void addMetric(const MetricPoint& point);
    void postSchedule();

    BackendOptions options_;
    std::unique_ptr<StoreWriter> store_;
    QString storeError_;
    QTimer* timer_ = nullptr;

    mutable std::mutex mutex_;
    DevicePool pool_;
    std::deque<qint64> queue_;
    std::map<qint64, Entry> entries_;
    std::map<qint64, std::unique_ptr<Context>> contexts_;
    qint64 nextId_ = 1;
    qint64 finishedCount_ = 0;
    bool shuttingDown_ = false;

    std::mutex metricsMutex_;
    QVector<MetricPoint> pendingMetrics_;
};

/// Owns a Backend and the thread it lives on. Destruction shuts the backend down (stopping
/// every job) and waits, so nothing outlives its owner.
class BackendHost : public WorkerHost<Backend> {
public:
    explicit BackendHost(BackendOptions options);
    explicit BackendHost(const QString& databasePath);
    ~BackendHost();

    Backend* backend() const { return worker(); }
};

/// Registers the value types that cross threads in queued signals.
void registerJobMetaTypes();

} // namespace trainlab
