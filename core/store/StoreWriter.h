#pragma once

#include "base/SystemSample.h"
#include "store/RunRecords.h"

#include <QString>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace trainlab {

class Database;

/// The one writer of a workspace: a thread with its own connection that batches metric rows
/// into transactions and runs every other write in submission order. Callers say what to
/// store through typed methods; the SQL stays inside core/store.
///
/// Metric appends never block the caller on disk; the other methods wait for their result.
/// Pending metric rows are written before any later method runs, so a run's final state is
/// never visible before its metrics. A write that cannot reach the disk (database locked by
/// another process, disk full) is retried with backoff; when it still fails, writeFailure()
/// says why and every later method throws, so the run fails loudly instead of reporting
/// `completed` with rows missing.
class StoreWriter {
public:
    /// Opens (and migrates) the database; throws StoreError on failure.
    explicit StoreWriter(const QString& path);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    const QString& path() const { return path_; }

    // ---- runs
    /// Inserts a run in `queued` state with its own checkpoint folder.
    RunPlace createRun(const NewRun& run);
    /// Inserts a run already running in this process, on `devices`, in one transaction: a
    /// process killed at any moment leaves no `queued` row that nothing would ever run or
    /// resume (a running one reads `interrupted` once its process is gone).
    RunPlace startRun(const NewRun& run, const QString& devices);
    /// Continues stored run `run`: in one transaction, finds its last checkpoint, deletes the
    /// metric rows and test artifacts logged after it (all of them when there is none: the run
    /// restarts from step 0) and marks the run running in this process.
    RunPlace beginResume(qint64 run, const QString& devices);
    /// Marks a run running in this process, on `devices`.
    void markRunning(qint64 run, const QString& devices);
    /// Running <-> paused, between steps.
    void setRunStatus(qint64 run, RunStatus status);
    /// Stores a run's final state. Once a write was given up on (writeFailure), a `failed` end
    /// is still attempted (it records why) and any other end is refused with StoreError.
    void finishRun(const RunEnd& end);
    void recordCheckpoint(const CheckpointRecord& checkpoint);
    void storeArtifact(qint64 run, const QString& kind, const QJsonObject& payload);
    void appendMetric(const MetricPoint& point);
    void appendMetrics(const QVector<MetricPoint>& points);
    /// One round of telemetry readings (system_samples: the CPU's and each GPU's), written at
    /// once: they come once a second.
    void appendSystemSamples(const QVector<SystemSample>& samples);
    void appendSystemSample(const SystemSample& sample) { appendSystemSamples({sample}); }
    /// The environment the run's current session runs in (RunRecord::environment).
    void setRunEnvironment(qint64 run, const QJsonObject& environment);
    /// Tags and notes (see store/sql/RunEditQueries.h): InputError names a missing run or a
    /// bad tag, and then nothing changed.
    void tagRuns(const QList<qint64>& runs, const QStringList& tags);
    void untagRuns(const QList<qint64>& runs, const QStringList& tags);
    /// An empty note removes it.
    void setRunNote(const QList<qint64>& runs, const QString& note);
    /// Deletes runs for good, rows and checkpoint files; refuses (InputError, nothing deleted)
    /// a run that trains now or a trial of a sweep that is going on. See runedits::deleteRuns.
    RunDeletion deleteRuns(const QList<qint64>& runs);
    /// The last value of every metric of a run (after the rows pending before this call).
    QMap<QString, double> finalMetrics(qint64 run);
    std::optional<RunRecord> findRun(qint64 run);
    /// The newest artifact of `kind` run `run` stored (as WorkspaceReader::artifact).
    std::optional<QJsonObject> findArtifact(qint64 run, const QString& kind);

    // ---- sweeps
    qint64 createSweep(const NewSweep& sweep);
    /// `release`: this process lets go of a paused sweep (the program is closing). Like
    /// finishRun, a `failed` status is attempted even after writeFailure.
    void setSweepStatus(qint64 sweep, RunStatus status, const QString& error = {},
                        bool release = false);
    void setSweepImportance(qint64 sweep, const QJsonObject& importance);
    /// The sweep's stored spec, replaced when it was given more trials.
    void setSweepSpec(qint64 sweep, const QJsonObject& spec);
    std::optional<SweepRecord> findSweep(qint64 sweep);
    /// Trials in trial order, one row per trial number.
    std::vector<TrialRecord> sweepTrials(qint64 sweep);

    /// Stores a pre-flight tool's result with the spec it was run for; returns its id.
    qint64 addPreflightResult(const QString& kind, const QJsonObject& spec,
                              const QJsonObject& result);

    // ---- workspace settings (text by key; telemetry/CostSettings says what they mean)
    QMap<QString, QString> settings();
    void setSetting(const QString& key, const QString& value);
    /// False when `key` was not set.
    bool unsetSetting(const QString& key);

    /// Waits until everything submitted so far is committed.
    void flush();
    /// Why writes stopped reaching the database; empty while all is well.
    QString writeFailure() const;

    /// Rows per transaction and the longest a row waits before it is written.
    static constexpr int kBatchRows = 1024;
    static constexpr int kMaxDelayMs = 250;
    /// Tries of a write that meets a locked database or a full disk, the first retry after
    /// kFirstRetryMs and each later one after twice the wait before it.
    static constexpr int kWriteAttempts = 5;
    static constexpr int kFirstRetryMs = 200;

    /// Number of metric transactions committed (for tests of the batching).
    qint64 committedBatches() const;

private:
    /// Whether a write is still attempted once an earlier one was given up on (writeFailure).
    enum class AfterFailure { Refuse, Try };
    /// Runs `work` on the writer's connection and returns its result (or rethrows its error).
    template <typename Fn>
    auto call(Fn work, AfterFailure afterFailure = AfterFailure::Refuse)
        -> decltype(work(std::declval<Database&>()));
    void enqueue(std::function<void(Database&)> task);
    void loop();
    void writePending(std::unique_lock<std::mutex>& lock);
    /// Runs `write`, retrying with backoff on a locked database or a full disk; when it still
    /// fails, records why (writeFailure) and throws StoreError.
    void withRetries(const std::function<void()>& write);
    void ensureFreshConnection();
    void throwIfFailed() const;

    QString path_;
    std::unique_ptr<Database> db_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    QVector<MetricPoint> pending_;
    std::deque<std::function<void(Database&)>> tasks_;
    bool busy_ = false;
    bool stopping_ = false;
    bool urgent_ = false; ///< a flush() is waiting: write without the batching delay
    qint64 batches_ = 0;
    QString failure_;
    std::thread thread_;
};

} // namespace trainlab
