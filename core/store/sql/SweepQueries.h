#pragma once

#include "store/sql/Private.h"

#include "store/RunRecords.h"

#include <optional>
#include <vector>

namespace trainlab {

class Database;

/// SQL of the sweeps table and of a sweep's trials.
namespace sweeps {

qint64 create(Database& db, const NewSweep& sweep);
/// `release`: this process lets go of the sweep (it stays paused for any process to resume).
void setStatus(Database& db, qint64 sweep, RunStatus status, const QString& error = {},
               bool release = false);
void setImportance(Database& db, qint64 sweep, const QJsonObject& importance);
void setSpec(Database& db, qint64 sweep, const QJsonObject& spec);

std::vector<SweepRecord> list(Database& db);
std::optional<SweepRecord> find(Database& db, qint64 sweep);
/// Trials in trial order; each trial number appears once, as its newest run.
std::vector<TrialRecord> trials(Database& db, qint64 sweep);

/// What every run of the sweep used and cost together (each figure empty when no run has it).
struct SweepTotals {
    std::optional<double> energyJ;
    std::optional<double> deviceHours;
    std::optional<double> cost;
};
SweepTotals totals(Database& db, qint64 sweep);

} // namespace sweeps

} // namespace trainlab
