#pragma once

#include "store/sql/Private.h"

#include "store/RunRecords.h"

#include <QJsonObject>

namespace trainlab {

class Database;

/// The JSON documents of DESIGN.md's CLI contract, read from the database.
namespace reports {

/// `show RUN --json`: id, name, status, error, params, final, best, energy_j, energy_source,
/// system_samples, device_hours, cost, devices, started, ended, environment, tags, note (and
/// sweep / trial for a trial).
QJsonObject run(Database& db, const RunRecord& run);

/// `show-sweep SWEEP --json`: id, name, status, strategy, objective, best, trials (each with
/// its energy_j, device_hours and cost), pareto, importance, saved_device_hours, the sweep's
/// energy_j, device_hours and cost (summed over its runs), error.
QJsonObject sweep(Database& db, const SweepRecord& sweep);

} // namespace reports

} // namespace trainlab
