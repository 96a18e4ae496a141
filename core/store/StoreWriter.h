#pragma once

#include "store/RunRecords.h"

#include <QString>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace trainlab {

class Database;

/// The one writer of a workspace database: a thread with its own connection that batches
/// metric rows into transactions and runs other writes in submission order.
///
/// Metric appends never block the caller on disk; call() waits for its result. Pending metric
/// rows are written before any later call() runs, so a run's final state is never visible
/// before its metrics.
class StoreWriter {
public:
    /// Opens (and migrates) the database; throws StoreError on failure.
    explicit StoreWriter(const QString& path);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    const QString& path() const { return path_; }

    void appendMetric(const MetricPoint& point);
    void appendMetrics(const QVector<MetricPoint>& points);

    /// Runs `work` on the writer's connection and returns its result (or rethrows its error).
    template <typename Fn> auto call(Fn work) -> decltype(work(std::declval<Database&>())) {
        using Result = decltype(work(std::declval<Database&>()));
        auto task = std::make_shared<std::packaged_task<Result(Database&)>>(std::move(work));
        auto future = task->get_future();
        enqueue([task](Database& db) { (*task)(db); });
        return future.get();
    }

    /// Waits until everything submitted so far is committed.
    void flush();

    /// Rows per transaction and the longest a row waits before it is written.
    static constexpr int kBatchRows = 1024;
    static constexpr int kMaxDelayMs = 250;

    /// Number of metric transactions committed (for tests of the batching).
    qint64 committedBatches() const;

private:
    void enqueue(std::function<void(Database&)> task);
    void loop();
    void writePending(Database& db, std::unique_lock<std::mutex>& lock);
    /// Before each write: reconnect when the WAL under the connection was replaced.
    void ensureFreshConnection();

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
    std::thread thread_;
};

} // namespace trainlab
