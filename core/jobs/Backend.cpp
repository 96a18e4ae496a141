#include "jobs/Backend.h"

#include "base/Errors.h"
#include "jobs/Job.h"
#include "parallel/Devices.h"
#include "store/StoreError.h"
#include "store/StoreWriter.h"

#include <QMetaObject>
#include <QThread>
#include <QTimer>

namespace trainlab {

/// What one running job may ask of the backend.
class Backend::Context : public JobContext {
public:
    Context(Backend& backend, qint64 id, DeviceGrant grant)
        : backend_(backend)
        , id_(id)
        , grant_(std::move(grant)) {}

    StoreWriter& store() override {
        if (!backend_.store_)
            throw StoreError(backend_.storeError_);
        return *backend_.store_;
    }
    const DeviceGrant& grant() const override { return grant_; }
    int cpuSlots() const override { return backend_.cpuSlots(); }
    void metric(const MetricPoint& point) override { backend_.addMetric(point); }
    void message(const QString& line) override {
        qint64 runId = 0;
        {
            std::lock_guard lock(backend_.mutex_);
            const auto it = backend_.entries_.find(id_);
            if (it != backend_.entries_.end())
                runId = it->second.job->info().runId;
        }
        Q_EMIT backend_.jobMessage(id_, runId, line);
    }
    qint64 submitChild(std::unique_ptr<Job> child,
                       std::function<void(const JobInfo&)> ended) override {
        return backend_.enqueue(std::move(child), id_, std::move(ended));
    }
    void cancelJob(qint64 id) override { backend_.cancel(id); }
    void setJobPaused(qint64 id, bool paused) override { backend_.setPaused(id, paused); }

private:
    Backend& backend_;
    qint64 id_;
    DeviceGrant grant_;
};

Backend::Backend(BackendOptions options)
    : options_(std::move(options))
    , pool_(options_.cpuSlots > 0 ? options_.cpuSlots : QThread::idealThreadCount(),
            options_.gpus ? *options_.gpus : cudaDeviceNames()) {
    registerJobMetaTypes();
    try {
        store_ = std::make_unique<StoreWriter>(options_.databasePath);
    } catch (const std::exception& e) {
        storeError_ = firstLineOf(e);
    }
}

Backend::~Backend() {
    shutdown();
}

void Backend::startOnThread() {
    timer_ = new QTimer(this);
    timer_->setInterval(1000 / kMaxBatchesPerSecond);
    connect(timer_, &QTimer::timeout, this, &Backend::flushUpdates);
    if (!storeError_.isEmpty())
        Q_EMIT storeFailed(storeError_);
}

qint64 Backend::submit(std::unique_ptr<Job> job) {
    const QString never = pool_.whyNever(job->demand()); // the pool's capacity never changes
    if (!never.isEmpty())
        throw InputError(never);
    return enqueue(std::move(job), 0, {});
}

qint64 Backend::enqueue(std::unique_ptr<Job> job, qint64 parent,
                        std::function<void(const JobInfo&)> ended) {
    std::unique_lock lock(mutex_);
    const qint64 id = nextId_++;
    job->assign(id, parent);
    Entry& entry = entries_[id];
    entry.job = std::shared_ptr<Job>(std::move(job));
    entry.ended = std::move(ended);
    queue_.push_back(id);
    const JobInfo info = entry.job->info();
    if (shuttingDown_) {
        endQueued(lock, id); // closing: nothing new starts
        return id;
    }
    if (!pool_.whyNever(entry.job->demand()).isEmpty()) {
        // A child that can never run (its parent asked for more than there is).
        entry.job->fail(FailureKind::BadInput, pool_.whyNever(entry.job->demand()));
        endQueued(lock, id);
        return id;
    }
    lock.unlock();
    QMetaObject::invokeMethod(
        this, [this, info] { Q_EMIT jobQueued(info); }, Qt::QueuedConnection);
    postSchedule();
    return id;
}

void Backend::postSchedule() {
    QMetaObject::invokeMethod(this, &Backend::schedule, Qt::QueuedConnection);
}

void Backend::schedule() {
    std::vector<JobInfo> started;
    {
        std::lock_guard lock(mutex_);
        while (!queue_.empty() && !shuttingDown_) {
            Entry& entry = entries_.at(queue_.front());
            const auto grant = pool_.tryAcquire(entry.job->demand());
            if (!grant)
                break; // first come, first served: nothing overtakes the head of the queue
            const qint64 id = queue_.front();
            queue_.pop_front();
            entry.grant = *grant;
            entry.running = true;
            entry.job->update([&](JobInfo& info) {
                info.devices = grant->gpus.isEmpty() && grant->cpuSlots > 0
                                   ? QStringList{QStringLiteral("cpu")}
                                   : grant->gpus;
                info.cpuSlots = grant->cpuSlots;
            });
            auto context = std::make_unique<Context>(*this, id, *grant);
            Context* raw = context.get();
            contexts_[id] = std::move(context);
            entry.thread = std::thread([this, job = entry.job, raw] { runJob(job, raw); });
            started.push_back(entry.job->info());
        }
    }
    if (!started.empty() && timer_ && !timer_->isActive())
        timer_->start();
    for (const JobInfo& info : started)
        Q_EMIT jobStarted(info);
}

void Backend::runJob(std::shared_ptr<Job> job, Context* context) {
    try {
        job->execute(*context);
    } catch (const std::exception& e) {
        job->fail(failureKindOf(e), firstLineOf(e)); // execute() should not throw; be safe
    }
    std::function<void(const JobInfo&)> ended;
    const qint64 id = job->id();
    {
        std::lock_guard lock(mutex_);
        ended = std::move(entries_.at(id).ended);
    }
    // The parent hears of it at once, on this thread, so it never depends on the backend's
    // event loop (which may already be stopping).
    if (ended)
        ended(job->info());
    QMetaObject::invokeMethod(
        this, [this, id] { onJobEnded(id); }, Qt::QueuedConnection);
}

void Backend::onJobEnded(qint64 id) {
    std::thread thread;
    JobInfo info;
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end() || it->second.finished)
            return; // shutdown() already collected it
        Entry& entry = it->second;
        thread = std::move(entry.thread);
        pool_.release(entry.grant);
        entry.running = false;
        entry.finished = true;
        entry.sequence = ++finishedCount_;
        contexts_.erase(id);
        info = entry.job->info();
    }
    if (thread.joinable())
        thread.join(); // it has returned from runJob already, or is about to
    flushUpdates();
    Q_EMIT jobFinished(info);
    schedule();
}

void Backend::endQueued(std::unique_lock<std::mutex>& lock, qint64 id) {
    Entry& entry = entries_.at(id);
    queue_.erase(std::remove(queue_.begin(), queue_.end(), id), queue_.end());
    if (entry.job->info().status == RunStatus::Queued)
        entry.job->setStatus(RunStatus::Cancelled);
    entry.finished = true;
    entry.sequence = ++finishedCount_;
    auto ended = std::move(entry.ended);
    const JobInfo info = entry.job->info();
    lock.unlock();
    if (ended)
        ended(info);
    QMetaObject::invokeMethod(
        this, [this, info] { Q_EMIT jobFinished(info); }, Qt::QueuedConnection);
    lock.lock();
}

void Backend::cancel(qint64 id) {
    std::unique_lock lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.finished)
        return;
    if (it->second.running) {
        it->second.job->cancel();
        return;
    }
    endQueued(lock, id);
    lock.unlock();
    postSchedule();
}

void Backend::setPaused(qint64 id, bool paused) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    // A queued job keeps the flag and pauses at its first step.
    if (it != entries_.end() && !it->second.finished)
        it->second.job->setPaused(paused);
}

bool Backend::remove(qint64 id) {
    std::unique_lock lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.running)
        return false;
    if (!it->second.finished)
        endQueued(lock, id);
    entries_.erase(id);
    lock.unlock();
    QMetaObject::invokeMethod(
        this, [this, id] { Q_EMIT jobRemoved(id); }, Qt::QueuedConnection);
    postSchedule();
    return true;
}

bool Backend::moveUp(qint64 id) {
    std::unique_lock lock(mutex_);
    const auto it = std::find(queue_.begin(), queue_.end(), id);
    if (it == queue_.end() || it == queue_.begin())
        return false;
    std::iter_swap(it, it - 1);
    const JobInfo info = entries_.at(id).job->info();
    lock.unlock();
    QMetaObject::invokeMethod(
        this, [this, info] { Q_EMIT jobUpdated(info); }, Qt::QueuedConnection);
    postSchedule();
    return true;
}

QVector<JobInfo> Backend::jobs() const {
    std::lock_guard lock(mutex_);
    QVector<JobInfo> running;
    QVector<JobInfo> queued;
    std::vector<std::pair<qint64, JobInfo>> finished;
    for (const auto& [id, entry] : entries_) {
        if (entry.running)
            running.append(entry.job->info());
        else if (entry.finished)
            finished.emplace_back(entry.sequence, entry.job->info());
    }
    for (qint64 id : queue_)
        queued.append(entries_.at(id).job->info());
    std::sort(finished.begin(), finished.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    QVector<JobInfo> all = running + queued;
    for (const auto& item : finished)
        all.append(item.second);
    return all;
}

std::optional<JobInfo> Backend::job(qint64 id) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    return it->second.job->info();
}

int Backend::cpuSlots() const {
    std::lock_guard lock(mutex_);
    return pool_.cpuSlots();
}

QStringList Backend::gpus() const {
    std::lock_guard lock(mutex_);
    return pool_.gpus();
}

void Backend::shutdown() {
    std::vector<std::thread> threads;
    {
        std::unique_lock lock(mutex_);
        if (shuttingDown_ && queue_.empty()) {
            // Already shut down, or threads still being joined by the first call.
        }
        shuttingDown_ = true;
        while (!queue_.empty())
            endQueued(lock, queue_.front());
        for (auto& [id, entry] : entries_) {
            if (entry.running)
                entry.job->shutdown();
        }
        for (auto& [id, entry] : entries_) {
            if (entry.running && entry.thread.joinable())
                threads.push_back(std::move(entry.thread));
        }
    }
    // Children a sweep submits while stopping end at once (shuttingDown_), so every thread
    // here returns.
    for (std::thread& thread : threads)
        thread.join();
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : entries_) {
        if (entry.running) {
            pool_.release(entry.grant);
            entry.running = false;
            entry.finished = true;
        }
    }
    contexts_.clear();
    if (store_)
        store_->flush();
}

void Backend::addMetric(const MetricPoint& point) {
    std::lock_guard lock(metricsMutex_);
    pendingMetrics_.append(point);
}

void Backend::flushUpdates() {
    QVector<MetricPoint> points;
    {
        std::lock_guard lock(metricsMutex_);
        points.swap(pendingMetrics_);
    }
    if (!points.isEmpty())
        Q_EMIT metricsBatch(points);
    std::vector<JobInfo> changed;
    bool anyRunning = false;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, entry] : entries_) {
            anyRunning = anyRunning || entry.running;
            if ((entry.running || !entry.finished) && entry.job->takeChanged())
                changed.push_back(entry.job->info());
        }
    }
    for (const JobInfo& info : changed)
        Q_EMIT jobUpdated(info);
    if (!anyRunning && timer_)
        timer_->stop(); // idle: no wake-ups until the next job starts
}

BackendHost::BackendHost(BackendOptions options)
    : WorkerHost<Backend>(QStringLiteral("trainlab-backend"), std::move(options)) {
    post([](Backend& backend) { backend.startOnThread(); });
}

BackendHost::BackendHost(const QString& databasePath)
    : BackendHost(BackendOptions{databasePath, 0, std::nullopt}) {}

BackendHost::~BackendHost() {
    backend()->shutdown();
}

void registerJobMetaTypes() {
    qRegisterMetaType<trainlab::JobInfo>();
    qRegisterMetaType<trainlab::MetricPoint>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
}

} // namespace trainlab
