#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <utility>

namespace trainlab {

/// Owns a QObject worker and the thread it lives on (Tiled's pattern): calls go in as queued
/// invocations, results come out as the worker's signals. Destruction asks the thread to stop,
/// quits its event loop and waits, so nothing outlives its owner; the worker is deleted on its
/// own thread.
template <typename Worker> class WorkerHost {
public:
    template <typename... Args>
    explicit WorkerHost(const QString& threadName, Args&&... args)
        : worker_(new Worker(std::forward<Args>(args)...)) {
        worker_->moveToThread(&thread_);
        QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
        thread_.setObjectName(threadName);
        thread_.start();
    }
    ~WorkerHost() {
        thread_.requestInterruption();
        thread_.quit();
        thread_.wait();
    }
    WorkerHost(const WorkerHost&) = delete;
    WorkerHost& operator=(const WorkerHost&) = delete;

    Worker* worker() const { return worker_; }

    /// Runs `work(worker)` on the worker's thread, after what was posted before.
    template <typename Fn> void post(Fn work) {
        QMetaObject::invokeMethod(
            worker_, [worker = worker_, work = std::move(work)]() mutable { work(*worker); },
            Qt::QueuedConnection);
    }

private:
    QThread thread_;
    Worker* worker_;
};

} // namespace trainlab
