#pragma once

// A real Backend for tests: submits jobs, records what it emits and waits for jobs to end,
// running the event loop meanwhile (the way the window and the CLI use it).
#include "jobs/Backend.h"
#include "jobs/Job.h"

#include <QObject>
#include <QTest>
#include <functional>
#include <memory>

namespace trainlab::test {

class BackendFixture {
public:
    /// `cpuSlots` 0: one per core. No GPUs are scheduled.
    explicit BackendFixture(const QString& databasePath, int cpuSlots = 0)
        : host_(BackendOptions{databasePath, cpuSlots, QStringList{}}) {
        Backend* b = host_.backend();
        QObject::connect(b, &Backend::jobStarted, &context_,
                         [this](const JobInfo& info) { started.push_back(info); });
        QObject::connect(b, &Backend::jobFinished, &context_,
                         [this](const JobInfo& info) { finished.push_back(info); });
        QObject::connect(b, &Backend::metricsBatch, &context_,
                         [this](const QVector<MetricPoint>& points) {
                             metricPoints += int(points.size());
                             if (onMetrics)
                                 onMetrics(points);
                         });
        QObject::connect(b, &Backend::jobMessage, &context_,
                         [this](qint64, qint64, const QString& line) { messages << line; });
    }

    Backend& backend() { return *host_.backend(); }
    qint64 submit(std::unique_ptr<Job> job) { return backend().submit(std::move(job)); }

    /// The final snapshot of job `id`, once the backend has announced its end.
    JobInfo waitForEnd(qint64 id, int timeoutMs = 180000) {
        (void)QTest::qWaitFor([&] { return endedInfo(id) != nullptr; }, timeoutMs); // checked below
        const JobInfo* info = endedInfo(id);
        return info ? *info : JobInfo{};
    }

    JobInfo run(std::unique_ptr<Job> job) { return waitForEnd(submit(std::move(job))); }

    const JobInfo* endedInfo(qint64 id) const {
        for (const JobInfo& info : finished)
            if (info.id == id)
                return &info;
        return nullptr;
    }

    std::vector<JobInfo> started;
    std::vector<JobInfo> finished;
    int metricPoints = 0;
    QStringList messages;
    std::function<void(const QVector<MetricPoint>&)> onMetrics;

private:
    BackendHost host_;
    QObject context_;
};

} // namespace trainlab::test
