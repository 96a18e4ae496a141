#pragma once

#include "store/sql/Private.h"

#include "store/RunComparison.h"

#include <QList>
#include <QMap>

namespace trainlab {

class Database;

/// SQL of the compare view: each function reads what it needs of every run in one statement,
/// so comparing 20 runs costs as many queries as comparing two.
namespace compare {

/// Each of `runs`' stored summaries (run_summaries) by metric name.
QMap<qint64, QMap<QString, StoredSummary>> summaries(Database& db, const QList<qint64>& runs);
/// The goal (true: maximize) of each metric some objective of these runs' sweeps names.
QMap<QString, bool> objectiveGoals(Database& db, const QList<qint64>& runs);
/// The systemseries names of which some run recorded at least one reading.
QStringList recordedSystemSeries(Database& db, const QList<qint64>& runs);
/// The whole series `names` of `runs`, by run then name, each in step order.
QVector<RunCurve> curves(Database& db, const QList<qint64>& runs, const QStringList& names);
/// The system series of `runs`, by run then series, each in time order: the readings of a
/// run's GPUs at one moment summed (memory in MB), CPU % of the process.
QVector<RunCurve> systemCurves(Database& db, const QList<qint64>& runs);

} // namespace compare

} // namespace trainlab
