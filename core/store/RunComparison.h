#pragma once

#include "store/RunRecords.h"

#include <QIODevice>
#include <QMetaType>
#include <QStringList>
#include <QVector>
#include <optional>
#include <vector>

namespace trainlab {

/// One run's series of one metric (or system reading), column by column, whole: the compare
/// view keeps it and decimates per pixel column as the user zooms.
struct RunCurve {
    qint64 run = 0;
    QString name;
    QVector<double> step;     ///< empty for a system series (it has no steps)
    QVector<double> epoch;    ///< empty for a system series
    QVector<double> wallTime; ///< Unix seconds
    QVector<double> value;
};

/// The system series a compare can overlay, summed over a run's GPUs at each reading.
namespace systemseries {
inline const QString kGpuMemoryMb = QStringLiteral("gpu_memory_mb");
inline const QString kPowerW = QStringLiteral("power_w");
inline const QString kCpuPercent = QStringLiteral("cpu_percent");
inline const QStringList kAll = {kGpuMemoryMb, kPowerW, kCpuPercent};
} // namespace systemseries

/// A run's last and best value of a metric, as run_summaries keeps them.
struct MetricFigures {
    std::optional<double> final;
    std::optional<double> best;
};

/// One metric across the compared runs.
struct ComparedMetric {
    QString name;
    /// Which way is better: by the name (losses down, accuracy up), else by the goal of a
    /// sweep objective of these runs that names it; nullopt: no best (lr, step time).
    std::optional<bool> higherIsBetter;
    QVector<MetricFigures> figures; ///< one per compared run, in their order
};

/// A config field whose value is not the same in every compared run.
struct ConfigDifference {
    QString field;      ///< a spec path (training.optimizer.lr) or environment.KEY
    QStringList values; ///< one per compared run; kMissing where a run lacks the field
};

/// What the compare view shows of a set of runs besides the curves.
struct RunComparison {
    static inline const QString kMissing = QStringLiteral("\u2014"); // an em dash

    std::vector<RunRecord> runs;           ///< in the order asked
    QVector<ComparedMetric> metrics;       ///< every metric any of them logged, by name
    QVector<ConfigDifference> differences; ///< spec fields, then environment fields
    bool energyRecorded = false;           ///< every run logged its energy_j series
    QStringList systemSeries;              ///< systemseries names some run recorded
};

/// What a run's row in run_summaries holds for one metric.
struct StoredSummary {
    double last = 0;
    double min = 0;
    double max = 0;
};

/// The config fields of `runs` that differ: their specs flattened to leaf paths as `--set`
/// addresses them (an array of plain values is one field, an array of objects is indexed),
/// then their environments as environment.KEY. A field some run lacks differs.
QVector<ConfigDifference> configDifferences(const std::vector<RunRecord>& runs);

/// `spec` flattened to {path: value as text}, numbers written as JSON writes them.
QMap<QString, QString> flattenConfig(const QJsonObject& spec, const QString& prefix = {});

/// The metrics table: for each metric any run has, each run's final and best value.
/// `summaries[i]` holds run i's stored summaries by metric; `goals` the maximize flag of the
/// runs' sweep objectives by metric.
QVector<ComparedMetric> compareMetrics(const QVector<QMap<QString, StoredSummary>>& summaries,
                                       const QMap<QString, bool>& goals);

/// The cumulative energy at each of `steps`, read off the run's energy_j series (rising in
/// step): interpolated linearly between its points, from zero at step 0, flat after its end.
QVector<double> energyAtSteps(const RunCurve& energy, const QVector<double>& steps);

/// Writes `curves` as CSV (run, metric, step, epoch, wall_time, value), a row a point, after
/// the header line when `withHeader`; a system series leaves step and epoch empty. Returns the
/// rows written.
qint64 writeCurvesCsv(QIODevice& out, const QVector<RunCurve>& curves, bool withHeader = true);

/// Quotes a CSV field when it needs it (a comma, a quote or a line break).
QString csvField(const QString& text);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunCurve)
Q_DECLARE_METATYPE(trainlab::RunComparison)
