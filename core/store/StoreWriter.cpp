#include "store/StoreWriter.h"

#include "store/Database.h"
#include "store/RunQueries.h"

#include <QDebug>
#include <chrono>

namespace trainlab {

StoreWriter::StoreWriter(const QString& path)
    : path_(path)
    , db_(std::make_unique<Database>(path, Database::Mode::ReadWrite))
    , thread_([this] { loop(); }) {}

StoreWriter::~StoreWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void StoreWriter::appendMetric(const MetricPoint& point) {
    {
        std::lock_guard lock(mutex_);
        pending_.append(point);
    }
    wake_.notify_one();
}

void StoreWriter::appendMetrics(const QVector<MetricPoint>& points) {
    if (points.isEmpty())
        return;
    {
        std::lock_guard lock(mutex_);
        pending_.append(points);
    }
    wake_.notify_one();
}

void StoreWriter::enqueue(std::function<void(Database&)> task) {
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void StoreWriter::flush() {
    std::unique_lock lock(mutex_);
    urgent_ = true;
    wake_.notify_one();
    idle_.wait(lock, [this] { return pending_.isEmpty() && tasks_.empty() && !busy_; });
}

qint64 StoreWriter::committedBatches() const {
    std::lock_guard lock(mutex_);
    return batches_;
}

void StoreWriter::ensureFreshConnection() {
    if (!db_->walReplaced())
        return;
    qWarning().noquote() << "TrainLab:" << path_
                         << "was changed under this process (its write-ahead log was replaced); "
                            "reconnecting so no write is lost";
    db_->reconnect();
}

void StoreWriter::writePending(Database& db, std::unique_lock<std::mutex>& lock) {
    QVector<MetricPoint> rows;
    rows.swap(pending_);
    busy_ = true;
    lock.unlock();
    try {
        ensureFreshConnection();
        Transaction transaction(db);
        runs::appendMetrics(db, rows);
        transaction.commit();
    } catch (const std::exception& e) {
        // A failed batch cannot be handed back to its producer (it did not wait); say so loudly.
        qWarning().noquote() << "TrainLab: could not store" << rows.size()
                             << "metric rows:" << e.what();
    }
    lock.lock();
    busy_ = false;
    ++batches_;
}

void StoreWriter::loop() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    Clock::time_point firstPending{};
    while (true) {
        if (!tasks_.empty()) {
            // Earlier metric rows go first, so the task sees everything submitted before it.
            if (!pending_.isEmpty())
                writePending(*db_, lock);
            auto task = std::move(tasks_.front());
            tasks_.pop_front();
            busy_ = true;
            lock.unlock();
            try {
                ensureFreshConnection();
            } catch (const std::exception& e) {
                qWarning().noquote() << "TrainLab: cannot reconnect to" << path_ << e.what();
            }
            task(*db_);
            lock.lock();
            busy_ = false;
            continue;
        }
        if (!pending_.isEmpty()) {
            if (firstPending == Clock::time_point{})
                firstPending = Clock::now();
            const bool due = pending_.size() >= kBatchRows || stopping_ || urgent_ ||
                             Clock::now() - firstPending >= std::chrono::milliseconds(kMaxDelayMs);
            if (due) {
                writePending(*db_, lock);
                firstPending = {};
                continue;
            }
        }
        if (pending_.isEmpty() && tasks_.empty()) {
            urgent_ = false;
            idle_.notify_all();
            if (stopping_)
                return;
        }
        if (pending_.isEmpty())
            wake_.wait(lock);
        else
            wake_.wait_until(lock, firstPending + std::chrono::milliseconds(kMaxDelayMs));
    }
}

} // namespace trainlab
