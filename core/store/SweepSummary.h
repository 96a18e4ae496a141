#pragma once

#include "store/RunRecords.h"
#include "sweep/SweepSpec.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVector>
#include <optional>

namespace trainlab {

/// One trial as the sweep view draws it.
struct SweepTrialPoint {
    int trial = 0;
    qint64 run = 0;
    RunStatus status = RunStatus::Invalid;
    QMap<QString, QVariant> params; ///< a number, or the text of a choice
    QMap<QString, double> metrics;  ///< final value per metric (energy_j, cost... among them)
    QString error;
};

/// A sweep's `show-sweep` report, read for the sweep view: its objectives, its trials, its
/// Pareto front and its parameter importance. Every field a view draws on is an axis: a
/// parameter or a metric, numbers for both (a choice's text is its place among the choices).
struct SweepSummary {
    qint64 id = 0;
    QString name;
    QString strategy;
    RunStatus status = RunStatus::Invalid;
    QString error;
    QVector<SweepObjective> objectives;
    QVector<SweepTrialPoint> trials; ///< by trial number
    QList<int> pareto;               ///< the trials on the front (multi-objective sweeps)
    QVector<QPair<QString, double>> importance; ///< largest first; empty until the sweep ends
    QStringList params;                         ///< every parameter a trial has, by name
    QStringList metrics;                        ///< every metric a trial has, by name
    QMap<QString, QStringList> choices;         ///< a text parameter's values, in order

    bool empty() const { return id == 0; }
    /// A trial's value on axis `field` (a parameter, else a metric); a choice gives its index.
    std::optional<double> axisValue(const SweepTrialPoint& trial, const QString& field) const;
    /// The first objective's value of a completed trial; nothing for any other trial.
    std::optional<double> objectiveValue(const SweepTrialPoint& trial) const;
    /// Whether `a` is a better value of the first objective than `b`.
    bool better(double a, double b) const;
    const SweepTrialPoint* trial(int number) const;
};

/// Reads the `show-sweep --json` document (reports::sweep) into a summary.
SweepSummary sweepSummaryFromReport(const QJsonObject& report);

/// The leaderboard's order, as indices into `sweep.trials`: completed trials with an objective
/// value best first (ties by trial number), then every other trial by trial number.
QVector<int> leaderboardOrder(const SweepSummary& sweep);

/// The best first-objective value among the completed trials up to each trial, in trial order;
/// nothing before the first completed one.
QVector<std::optional<double>> bestSoFar(const SweepSummary& sweep);

/// A brushed range of one axis of the parallel coordinates.
struct AxisBrush {
    QString field;
    double low = 0;
    double high = 0;
};

/// Whether `trial` lies inside every brush; a trial without a value on a brushed axis does not.
bool insideBrushes(const SweepSummary& sweep, const SweepTrialPoint& trial,
                   const QVector<AxisBrush>& brushes);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::SweepSummary)
