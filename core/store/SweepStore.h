#pragma once

#include "store/RunRecords.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>
#include <vector>

namespace trainlab {

class Database;

/// A row of the sweeps table.
struct SweepRecord {
    qint64 id = 0;
    QString name;
    QString strategy;
    QString status;   ///< running | completed | failed | cancelled | interrupted
    QJsonObject spec; ///< the whole sweep spec, base spec included
    QString created;
    QString ended;
    QString error;
    QJsonObject importance;
};

/// One trial of a sweep: its run row, point and final metrics.
struct TrialRecord {
    int trial = 0;
    RunRecord run;
    std::optional<double> savedDeviceHours;
    QMap<QString, double> metrics; ///< final value per metric
};

namespace sweeps {

qint64 create(Database& db, const QString& name, const QString& strategy, const QJsonObject& spec,
              const QJsonObject& space, const QJsonArray& objectives);
void setStatus(Database& db, qint64 sweep, const QString& status, const QString& error = {});
void setImportance(Database& db, qint64 sweep, const QJsonObject& importance);
/// Ties a run to its sweep as trial number `trial`.
void attachRun(Database& db, qint64 run, qint64 sweep, int trial);
void markPruned(Database& db, qint64 run, double savedDeviceHours);

std::vector<SweepRecord> list(Database& db);
std::optional<SweepRecord> find(Database& db, qint64 sweep);
/// Trials in trial order; a trial restarted after an interruption appears once, as its newest run.
std::vector<TrialRecord> trials(Database& db, qint64 sweep);

/// The `show-sweep --json` document of DESIGN.md (plus "saved_device_hours").
QJsonObject report(Database& db, const SweepRecord& sweep);

} // namespace sweeps

} // namespace trainlab
