#pragma once

#include "store/RunRecords.h"

#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVector>
#include <optional>

namespace trainlab {

/// A run's own fields the runs table shows and sorts by.
enum class RunField {
    Invalid,
    Id,
    Name,
    Status,
    Sweep, ///< by sweep, then trial
    Tags,
    Note,
    Started,
    Ended,
    DeviceHours,
    EnergyJ,
    Cost
};

/// What the runs table sorts by: a run's own field, a hyperparameter, or a metric's last or
/// best value. Runs without a value come last in either direction; ties go newest first.
struct RunSortKey {
    enum class Kind { Invalid, Field, Param, Final, Best };
    Kind kind = Kind::Field;
    RunField field = RunField::Id; ///< Kind::Field
    /// Kind::Param: a params key (a spec address such as `training.optimizer.lr`, or a command
    /// sweep's plain name); Final and Best: a metric name.
    QString name;
    bool descending = true;
};

struct RunFilter {
    static constexpr qint64 kNoSweep = -1;
    QString text;                          ///< in the name, a tag or the note; empty: any
    RunStatus status = RunStatus::Invalid; ///< Invalid: any
    qint64 sweep = 0;                      ///< 0: any; kNoSweep: runs outside sweeps
    QString tag;                           ///< exactly this tag; empty: any
    /// Only these runs (the trials a sweep view's brush keeps); nothing: any.
    std::optional<QList<qint64>> runs;
};

struct RunTableQuery {
    RunFilter filter;
    RunSortKey sort;
};

/// One run's place in the table's order.
struct RunTableKey {
    qint64 id = 0;
    qint64 sweep = 0; ///< 0: not a trial
};

struct RunTableSweep {
    qint64 id = 0;
    QString name;
    RunStatus status = RunStatus::Invalid;
};

/// The runs a query selects, in order: ids only, whatever the workspace's size.
struct RunTableIndex {
    QVector<RunTableKey> runs;
    QVector<RunTableSweep> sweeps; ///< every sweep of the workspace
    qint64 totalRuns = 0;          ///< in the workspace, before filtering
};

/// One row of the runs table, read a page at a time.
struct RunTableRow {
    RunRecord run;
    QMap<QString, double> final; ///< last value per metric
    QMap<QString, double> best;  ///< per metric with a direction (metricHigherIsBetter)
    /// The requested hyperparameters: the run's params value, else the value at that address
    /// in its spec (so a run made without overrides still shows its learning rate).
    QMap<QString, QVariant> params;
};

/// The columns the table can offer: every hyperparameter and metric in the workspace, and
/// what the filters choose from.
struct RunColumnCatalog {
    QStringList params;
    QStringList metrics;
    QStringList tags;
    QVector<RunTableSweep> sweeps;
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunTableQuery)
Q_DECLARE_METATYPE(trainlab::RunTableIndex)
Q_DECLARE_METATYPE(trainlab::RunTableRow)
Q_DECLARE_METATYPE(trainlab::RunColumnCatalog)
