#pragma once

#include "base/MetricPoint.h"
#include "base/RunControl.h"
#include "jobs/DevicePool.h"
#include "jobs/JobInfo.h"

#include <functional>
#include <memory>
#include <mutex>

namespace trainlab {

class JobContext;

/// One unit of work the backend queues and runs: a run, a sweep, a multi-device run, an
/// external-command trial. It has an id, a kind, a typed status, its own control (cancel,
/// pause) and a progress snapshot; the backend starts it on a worker thread when the devices
/// it demands are free.
class Job {
public:
    Job(JobKind kind, QString title);
    virtual ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    /// A consistent snapshot; any thread.
    JobInfo info() const;
    qint64 id() const;

    /// What the job needs before it starts. Fixed once the job is submitted.
    virtual DeviceDemand demand() const = 0;
    /// Does the work on a worker thread and leaves the job in a final state (or `paused` when
    /// the backend shuts down under a paused job). Never throws: failures become `failed`
    /// with the message and its FailureKind.
    virtual void execute(JobContext& context) = 0;

    // Thread-safe controls; the running job sees them between steps.
    virtual void cancel();
    virtual void setPaused(bool paused);
    /// The backend is closing: stop soon. A paused job stays paused (resumable later); a
    /// running one is cancelled.
    virtual void shutdown();

    /// True once after each change of the snapshot (the backend's update timer asks).
    bool takeChanged();

protected:
    RunControl& control() { return control_; }
    void setStatus(RunStatus status);
    void fail(FailureKind kind, const QString& error);
    /// Changes the snapshot under the lock and marks it changed.
    void update(const std::function<void(JobInfo&)>& change);

private:
    friend class Backend;
    void assign(qint64 id, qint64 parent);

    mutable std::mutex mutex_;
    JobInfo info_;
    bool changed_ = false;
    RunControl control_;
};

/// What a running job may ask of the backend. Implemented by the backend, one per job.
class JobContext {
public:
    virtual ~JobContext() = default;
    virtual class StoreWriter& store() = 0;
    /// The devices and CPU slots this job holds.
    virtual const DeviceGrant& grant() const = 0;
    /// All the CPU slots the backend schedules on (a sweep divides them between its trials).
    virtual int cpuSlots() const = 0;
    /// A logged metric, for live views (the store has its own copy): batched to <= 20 Hz.
    virtual void metric(const MetricPoint& point) = 0;
    /// A line for the job's log.
    virtual void message(const QString& line) = 0;
    /// Queues a child job (a sweep's trial) like any other; `ended` is called on the thread
    /// that ends it, once, with its final snapshot. Returns the child's id.
    virtual qint64 submitChild(std::unique_ptr<Job> child,
                               std::function<void(const JobInfo&)> ended) = 0;
    virtual void cancelJob(qint64 id) = 0;
    virtual void setJobPaused(qint64 id, bool paused) = 0;
};

} // namespace trainlab
