#pragma once

#include "base/RunControl.h"
#include "store/RunRecords.h"
#include "sweep/SweepSpec.h"

#include <QJsonObject>

namespace trainlab {

class StoreWriter;

/// A sweep ready to run: the base spec (everything but `sweep`) and the validated sweep block.
struct SweepDefinition {
    QString name;
    QJsonObject base;     ///< built-in sweeps: the experiment spec each trial overrides
    QJsonObject fullSpec; ///< as stored with the sweep, for resume
    SweepSpec sweep;
};

/// Reads a sweep spec file, applying `--set` overrides first. Throws SpecError / InputError
/// naming every problem (the sweep block's, and for built-in sweeps the base spec's).
SweepDefinition loadSweepDefinition(const QString& path, const QStringList& overrides = {});
SweepDefinition sweepDefinitionFromJson(const QJsonObject& json, const QString& sourceName);

/// Receives a sweep's progress on the sweep's thread.
class SweepObserver {
public:
    virtual ~SweepObserver() = default;
    virtual void sweepStarted(qint64 sweepId) = 0;
    virtual void trialFinished(int trial, qint64 runId, RunStatus status,
                               const QString& summary) = 0;
    virtual void message(const QString& line) = 0;
};

struct SweepResult {
    qint64 sweepId = 0;
    QString status; ///< completed | cancelled | failed
    QString error;
};

/// Runs (or with `resumeSweep` > 0, continues) a sweep on the calling thread: proposes points,
/// runs up to `parallel` trials at once on their own threads (CPU cores divided between them),
/// stops bad trials early with ASHA or the median rule (they end `pruned`, with the device time
/// they did not use recorded as saved), and stores everything. A trial that cannot run (its spec
/// fails validation, its program fails) is a failed trial with the message; the sweep goes on.
/// `control.cancel` stops the sweep: running trials are cancelled and keep what they logged.
/// Resuming skips finished trials and continues interrupted ones from their checkpoints.
SweepResult runSweep(const SweepDefinition& definition, StoreWriter& writer, RunControl& control,
                     SweepObserver& observer, qint64 resumeSweep = 0);

} // namespace trainlab
