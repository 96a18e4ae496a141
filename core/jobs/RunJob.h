#pragma once

#include "base/RunControl.h"
#include "spec/ExperimentSpec.h"
#include "store/RunRecords.h"

#include <QJsonObject>

namespace trainlab {

class StoreWriter;

/// What to run: a validated spec and the overrides that produced it (stored as the params).
struct RunRequest {
    ExperimentSpec spec;
    QJsonObject params;
    qint64 resumeRun = 0; ///< > 0: continue this stored run from its last checkpoint
};

/// Receives a run's progress on the thread that executes it.
class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void runCreated(qint64 runId, const QString& name) = 0;
    virtual void metricLogged(const MetricPoint& point) = 0;
    virtual void message(qint64 runId, const QString& line) = 0;
};

struct RunResult {
    qint64 runId = 0;
    RunStatus status = RunStatus::Invalid;
    QString error;
};

/// Executes one run end to end on the calling thread: stores it, builds data and model, trains,
/// and stores its final state. Never throws: every failure ends the run `failed` with the
/// message, and what was logged before stays stored.
RunResult executeRun(const RunRequest& request, StoreWriter& writer, RunControl& control,
                     RunObserver& observer);

/// The request that continues stored run `runId` (cancelled, interrupted or failed) from its
/// last checkpoint, with the spec it was started with. Throws InputError when it cannot.
RunRequest resumeRequest(const QString& databasePath, qint64 runId);

/// The hash that ties checkpoints to the spec they were written for.
QString specHash(const ExperimentSpec& spec);

} // namespace trainlab
