#pragma once

#include "CliArgs.h"

#include "jobs/JobInfo.h"

#include <functional>
#include <memory>

namespace trainlab {
class Job;
}

namespace trainlab::cli {

/// Runs one job (a run or a sweep) to its end on the same Backend the window uses, printing
/// its messages to stderr. Ctrl-C or SIGTERM cancels it after the current step (a second one
/// quits at once; the run then reads `interrupted` the next time the workspace is opened).
/// Returns the job's final snapshot. Throws InputError when the job can never run here.
JobInfo runJobToEnd(std::unique_ptr<Job> job, const QString& databasePath);

/// Runs `work` on a thread of its own to its end while this thread serves Ctrl-C and SIGTERM:
/// the first calls `stop` (the work should end after its current step), a second quits at once.
void runWithStopSignals(const std::function<void()>& work, const std::function<void()>& stop);

/// The exit code of DESIGN.md's contract for a finished job: 0 completed, 2 bad input,
/// 3 the environment failed, 1 anything else (failed while running, cancelled, pruned).
int exitCodeOf(const JobInfo& job);

} // namespace trainlab::cli
