#pragma once

#include "base/Errors.h"
#include "base/JobProgress.h"
#include "base/RunStatus.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace trainlab {

enum class JobKind {
    Invalid,
    Run,             ///< one run on one device
    DataParallelRun, ///< one run on several devices at once
    Sweep,           ///< a search whose trials are child jobs
    CommandTrial,    ///< a sweep trial that runs the user's own program
    Preflight        ///< a pre-flight tool: lr-find, batch-find, tune-threads
};

QString jobKindName(JobKind kind);

/// A snapshot of one job, the value that crosses threads in the backend's signals.
struct JobInfo {
    qint64 id = 0;
    qint64 parent = 0; ///< a trial's sweep job; 0 for a top-level job
    JobKind kind = JobKind::Invalid;
    QString title;
    RunStatus status = RunStatus::Queued;
    FailureKind failure = FailureKind::None;
    QString error;
    qint64 runId = 0;   ///< its row in the runs table, once created
    qint64 sweepId = 0; ///< a sweep's row, or a trial's sweep
    int trial = 0;
    qint64 resultId = 0; ///< a pre-flight job's stored result (preflight_results)
    QStringList devices; ///< what it holds while it runs
    int cpuSlots = 0;
    JobProgress progress;
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::JobInfo)
