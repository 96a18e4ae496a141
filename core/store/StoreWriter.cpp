#include "store/StoreWriter.h"

#include "store/sql/Database.h"
#include "store/sql/PreflightQueries.h"
#include "store/sql/RunEditQueries.h"
#include "store/sql/RunQueries.h"
#include "store/sql/SettingsQueries.h"
#include "store/sql/SweepQueries.h"
#include "util/Json.h"

#include <QDebug>
#include <chrono>
#include <optional>
#include <type_traits>

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

template <typename Fn>
auto StoreWriter::call(Fn work, AfterFailure afterFailure)
    -> decltype(work(std::declval<Database&>())) {
    using Result = decltype(work(std::declval<Database&>()));
    if (afterFailure == AfterFailure::Refuse)
        throwIfFailed();
    auto promise = std::make_shared<std::promise<Result>>();
    auto future = promise->get_future();
    enqueue([this, promise, afterFailure, work = std::move(work)](Database& db) mutable {
        try {
            // Checked again here, after the metric rows submitted before this call were written:
            // a run must not be stored `completed` when its last rows just failed to reach disk.
            if (afterFailure == AfterFailure::Refuse)
                throwIfFailed();
            if constexpr (std::is_void_v<Result>) {
                withRetries([&] { work(db); });
                promise->set_value();
            } else {
                std::optional<Result> result;
                withRetries([&] { result.emplace(work(db)); });
                promise->set_value(std::move(*result));
            }
        } catch (...) {
            promise->set_exception(std::current_exception());
        }
    });
    return future.get();
}

// ---- runs ------------------------------------------------------------------------------------

RunPlace StoreWriter::createRun(const NewRun& run) {
    return call([&](Database& db) { return runs::create(db, run); });
}

RunPlace StoreWriter::startRun(const NewRun& run, const QString& devices) {
    return call([&](Database& db) { return runs::create(db, run, devices); });
}

RunPlace StoreWriter::beginResume(qint64 run, const QString& devices) {
    return call([&](Database& db) { return runs::beginResume(db, run, devices); });
}

void StoreWriter::markRunning(qint64 run, const QString& devices) {
    call([&](Database& db) { runs::markRunning(db, run, devices); });
}

void StoreWriter::setRunStatus(qint64 run, RunStatus status) {
    call([&](Database& db) { runs::setStatus(db, run, status); });
}

void StoreWriter::tagRuns(const QList<qint64>& runs, const QStringList& tags) {
    call([&](Database& db) { runedits::addTags(db, runs, tags); });
}

void StoreWriter::untagRuns(const QList<qint64>& runs, const QStringList& tags) {
    call([&](Database& db) { runedits::removeTags(db, runs, tags); });
}

void StoreWriter::setRunNote(const QList<qint64>& runs, const QString& note) {
    call([&](Database& db) { runedits::setNote(db, runs, note); });
}

RunDeletion StoreWriter::deleteRuns(const QList<qint64>& runs) {
    return call([&](Database& db) { return runedits::deleteRuns(db, runs); });
}

void StoreWriter::finishRun(const RunEnd& end) {
    // Storing that a run failed is worth trying even when earlier writes were lost.
    call([&](Database& db) { runs::finish(db, end); },
         end.status == RunStatus::Failed ? AfterFailure::Try : AfterFailure::Refuse);
}

void StoreWriter::recordCheckpoint(const CheckpointRecord& checkpoint) {
    call([&](Database& db) { runs::recordCheckpoint(db, checkpoint); });
}

void StoreWriter::storeArtifact(qint64 run, const QString& kind, const QJsonObject& payload) {
    call([&](Database& db) { runs::storeArtifact(db, run, kind, payload); });
}

QMap<QString, double> StoreWriter::finalMetrics(qint64 run) {
    return call([&](Database& db) { return runs::metricSummary(db, run).final; });
}

std::optional<RunRecord> StoreWriter::findRun(qint64 run) {
    return call([&](Database& db) { return runs::find(db, run); });
}

std::optional<QJsonObject> StoreWriter::findArtifact(qint64 run, const QString& kind) {
    return call([&](Database& db) { return runs::artifact(db, run, kind); });
}

void StoreWriter::appendMetric(const MetricPoint& point) {
    {
        std::lock_guard lock(mutex_);
        pending_.append(point);
    }
    wake_.notify_one();
}

void StoreWriter::appendSystemSamples(const QVector<SystemSample>& samples) {
    call([&](Database& db) { runs::appendSystemSamples(db, samples); });
}

void StoreWriter::setRunEnvironment(qint64 run, const QJsonObject& environment) {
    call([&](Database& db) { runs::setEnvironment(db, run, environment); });
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

// ---- sweeps ----------------------------------------------------------------------------------

qint64 StoreWriter::createSweep(const NewSweep& sweep) {
    return call([&](Database& db) { return sweeps::create(db, sweep); });
}

void StoreWriter::setSweepStatus(qint64 sweep, RunStatus status, const QString& error,
                                 bool release) {
    call([&](Database& db) { sweeps::setStatus(db, sweep, status, error, release); },
         status == RunStatus::Failed ? AfterFailure::Try : AfterFailure::Refuse);
}

void StoreWriter::setSweepImportance(qint64 sweep, const QJsonObject& importance) {
    call([&](Database& db) { sweeps::setImportance(db, sweep, importance); });
}

void StoreWriter::setSweepSpec(qint64 sweep, const QJsonObject& spec) {
    call([&](Database& db) { sweeps::setSpec(db, sweep, spec); });
}

std::optional<SweepRecord> StoreWriter::findSweep(qint64 sweep) {
    return call([&](Database& db) { return sweeps::find(db, sweep); });
}

std::vector<TrialRecord> StoreWriter::sweepTrials(qint64 sweep) {
    return call([&](Database& db) { return sweeps::trials(db, sweep); });
}

// ---- settings --------------------------------------------------------------------------------

QMap<QString, QString> StoreWriter::settings() {
    return call([&](Database& db) { return settings::all(db); });
}

qint64 StoreWriter::addPreflightResult(const QString& kind, const QJsonObject& spec,
                                       const QJsonObject& result) {
    return call([&](Database& db) {
        return preflight::insert(db, kind, compactJson(spec), compactJson(result));
    });
}

void StoreWriter::setSetting(const QString& key, const QString& value) {
    call([&](Database& db) { settings::set(db, key, value); });
}

bool StoreWriter::unsetSetting(const QString& key) {
    return call([&](Database& db) { return settings::unset(db, key); });
}

// ---- the writer thread -----------------------------------------------------------------------

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

QString StoreWriter::writeFailure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

void StoreWriter::throwIfFailed() const {
    const QString failure = writeFailure();
    if (!failure.isEmpty())
        throw StoreError(failure);
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

void StoreWriter::withRetries(const std::function<void()>& write) {
    const auto started = std::chrono::steady_clock::now();
    int waitMs = kFirstRetryMs;
    for (int attempt = 1;; ++attempt) {
        try {
            ensureFreshConnection();
            write();
            return;
        } catch (const StoreError& e) {
            if (!e.retryable())
                throw;
            if (attempt == kWriteAttempts) {
                const double seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count();
                const QString error = QStringLiteral("%1; gave up after %2 attempts in %3 s")
                                          .arg(e.message())
                                          .arg(attempt)
                                          .arg(seconds, 0, 'f', 1);
                std::lock_guard lock(mutex_);
                if (failure_.isEmpty())
                    failure_ = error;
                throw StoreError(error);
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(waitMs));
        waitMs *= 2;
    }
}

void StoreWriter::writePending(std::unique_lock<std::mutex>& lock) {
    QVector<MetricPoint> rows;
    rows.swap(pending_);
    if (!failure_.isEmpty()) {
        // Rows were already lost and every run writing here fails for it; retrying each later
        // batch would only hold those runs up for the length of the retries every time.
        ++batches_;
        return;
    }
    busy_ = true;
    lock.unlock();
    try {
        withRetries([&] {
            Transaction transaction(*db_);
            runs::appendMetrics(*db_, rows);
            transaction.commit();
        });
    } catch (const std::exception& e) {
        // The producer did not wait for these rows: keep the reason (writeFailure) so the run
        // ends failed with it instead of `completed` with rows missing. The run reports it.
        std::lock_guard failureLock(mutex_);
        if (failure_.isEmpty())
            failure_ = QStringLiteral("%1 metric rows could not be stored: %2")
                           .arg(rows.size())
                           .arg(QString::fromUtf8(e.what()));
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
                writePending(lock);
            auto task = std::move(tasks_.front());
            tasks_.pop_front();
            busy_ = true;
            lock.unlock();
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
                writePending(lock);
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
