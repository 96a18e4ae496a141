#pragma once

// Runs a job to its end on the calling thread, without a backend: for engine tests that must
// act at an exact point of a run (cancel when a line is logged) rather than whenever a queued
// signal arrives. The job sees the same JobContext the backend gives it, on every CPU slot.
#include "jobs/Job.h"
#include "store/StoreWriter.h"

#include <QStringList>
#include <QThread>
#include <functional>
#include <stdexcept>

namespace trainlab::test {

class DirectJobContext : public JobContext {
public:
    explicit DirectJobContext(StoreWriter& store)
        : store_(store) {
        grant_.cpuSlots = QThread::idealThreadCount();
    }

    /// Executes `job` here and returns its final snapshot.
    JobInfo run(Job& job) {
        job.execute(*this);
        return job.info();
    }

    StoreWriter& store() override { return store_; }
    const DeviceGrant& grant() const override { return grant_; }
    int cpuSlots() const override { return grant_.cpuSlots; }
    void metric(const MetricPoint&) override {}
    void message(const QString& line) override {
        lines << line;
        if (onMessage)
            onMessage(line);
    }
    qint64 submitChild(std::unique_ptr<Job>, std::function<void(const JobInfo&)>) override {
        throw std::logic_error("DirectJobContext runs no child jobs");
    }
    void cancelJob(qint64) override {}
    void setJobPaused(qint64, bool) override {}

    QStringList lines;
    /// Called on the job's thread for every line, before the job goes on.
    std::function<void(const QString&)> onMessage;

private:
    StoreWriter& store_;
    DeviceGrant grant_;
};

} // namespace trainlab::test
