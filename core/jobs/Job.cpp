#include "jobs/Job.h"

namespace trainlab {

QString jobKindName(JobKind kind) {
    switch (kind) {
    case JobKind::Run:
        return QStringLiteral("run");
    case JobKind::DataParallelRun:
        return QStringLiteral("data-parallel run");
    case JobKind::Sweep:
        return QStringLiteral("sweep");
    case JobKind::Preflight:
        return QStringLiteral("pre-flight");
    case JobKind::CommandTrial:
        return QStringLiteral("command");
    case JobKind::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

Job::Job(JobKind kind, QString title) {
    info_.kind = kind;
    info_.title = std::move(title);
}

Job::~Job() = default;

JobInfo Job::info() const {
    std::lock_guard lock(mutex_);
    return info_;
}

qint64 Job::id() const {
    std::lock_guard lock(mutex_);
    return info_.id;
}

void Job::cancel() {
    control_.cancel.store(true);
}

void Job::setPaused(bool paused) {
    control_.pause.store(paused);
}

void Job::shutdown() {
    control_.stopPaused.store(true);
    control_.cancel.store(true);
}

bool Job::takeChanged() {
    std::lock_guard lock(mutex_);
    return std::exchange(changed_, false);
}

void Job::setStatus(RunStatus status) {
    update([status](JobInfo& info) { info.status = status; });
}

void Job::fail(FailureKind kind, const QString& error) {
    update([&](JobInfo& info) {
        info.status = RunStatus::Failed;
        info.failure = kind;
        info.error = error;
    });
}

void Job::update(const std::function<void(JobInfo&)>& change) {
    std::lock_guard lock(mutex_);
    change(info_);
    changed_ = true;
}

void Job::assign(qint64 id, qint64 parent) {
    std::lock_guard lock(mutex_);
    info_.id = id;
    info_.parent = parent;
}

} // namespace trainlab
