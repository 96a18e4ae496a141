#pragma once

#include "store/RunRecords.h"

#include <QJsonObject>

namespace trainlab {

class WorkspaceReader;

/// The cost section of `trainlab-cli report RUN [--baseline RUN]`: what the run cost (wall
/// time, device-hours, energy and its source, money), the cost techniques its spec used (mixed
/// precision, gradient accumulation, early stopping, pruning, a pruned sweep trial's saved
/// device time), its accuracy, and its sweep's totals when it is a trial. With a baseline: the
/// same of the baseline and what the run saved against it (positive: cheaper), as amounts and
/// fractions of the baseline's, beside the change in accuracy.
QJsonObject costReport(WorkspaceReader& workspace, const RunRecord& run,
                       const RunRecord* baseline = nullptr);

} // namespace trainlab
