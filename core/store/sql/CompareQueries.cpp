#include "store/sql/CompareQueries.h"

#include "store/sql/Database.h"
#include "util/Json.h"

#include <QJsonArray>
#include <array>

namespace trainlab::compare {

namespace {

constexpr const char* kRunsIn = "(SELECT value FROM json_each(?1))";

QByteArray withRuns(const char* head, const char* tail = "") {
    return QByteArray(head) + kRunsIn + tail;
}

/// Starts a curve for the row's run and name unless the last one is it.
RunCurve& curveFor(QVector<RunCurve>& curves, qint64 run, const QString& name) {
    if (curves.isEmpty() || curves.last().run != run || curves.last().name != name)
        curves.append(RunCurve{run, name, {}, {}, {}, {}});
    return curves.last();
}

} // namespace

QMap<qint64, QMap<QString, StoredSummary>> summaries(Database& db, const QList<qint64>& runs) {
    Statement select(db, withRuns("SELECT run, name, last_value, min_value, max_value "
                                  "FROM run_summaries WHERE run IN ")
                             .constData());
    select.bind(1, jsonIdArray(runs));
    QMap<qint64, QMap<QString, StoredSummary>> result;
    while (select.step())
        result[select.int64(0)].insert(select.text(1),
                                       {select.real(2), select.real(3), select.real(4)});
    return result;
}

QMap<QString, bool> objectiveGoals(Database& db, const QList<qint64>& runs) {
    Statement select(db, withRuns("SELECT json_extract(o.value, '$.metric'), "
                                  "json_extract(o.value, '$.goal') FROM sweeps s, "
                                  "json_each(s.objectives) o WHERE s.id IN (SELECT sweep FROM "
                                  "runs WHERE sweep IS NOT NULL AND id IN ",
                                  ")")
                             .constData());
    select.bind(1, jsonIdArray(runs));
    QMap<QString, bool> goals;
    while (select.step())
        goals.insert(select.text(0), select.text(1) == QLatin1String("maximize"));
    return goals;
}

QStringList recordedSystemSeries(Database& db, const QList<qint64>& runs) {
    Statement select(db, withRuns("SELECT count(gpu_mem_used), count(power_w), "
                                  "count(cpu_percent) FROM system_samples WHERE run IN ")
                             .constData());
    select.bind(1, jsonIdArray(runs));
    QStringList recorded;
    if (select.step())
        for (int column = 0; column < systemseries::kAll.size(); ++column)
            if (select.int64(column) > 0)
                recorded << systemseries::kAll[column];
    return recorded;
}

QVector<RunCurve> curves(Database& db, const QList<qint64>& runs, const QStringList& names) {
    Statement select(db, withRuns("SELECT run, name, step, epoch, value, wall_time FROM metrics "
                                  "WHERE run IN ",
                                  " AND name IN (SELECT value FROM json_each(?2)) "
                                  "ORDER BY run, name, step, rowid")
                             .constData());
    select.bind(1, jsonIdArray(runs));
    select.bind(2, compactJson(QJsonArray::fromStringList(names)));
    QVector<RunCurve> result;
    while (select.step()) {
        RunCurve& curve = curveFor(result, select.int64(0), select.text(1));
        curve.step.append(double(select.int64(2)));
        curve.epoch.append(select.real(3));
        curve.value.append(select.real(4));
        curve.wallTime.append(select.real(5));
    }
    return result;
}

QVector<RunCurve> systemCurves(Database& db, const QList<qint64>& runs) {
    // A run's GPUs are read at one moment (SystemSampler stamps them with the CPU row's time),
    // so grouping by time sums them; sum() of no value is NULL, which stays out of the curve.
    Statement select(db, withRuns("SELECT run, time, sum(gpu_mem_used) / 1e6, sum(power_w), "
                                  "sum(cpu_percent) FROM system_samples WHERE run IN ",
                                  " GROUP BY run, time ORDER BY run, time")
                             .constData());
    select.bind(1, jsonIdArray(runs));
    QVector<RunCurve> result;
    qint64 run = 0;
    std::array<RunCurve, 3> series; // by systemseries::kAll's order
    const auto flush = [&] {
        for (RunCurve& curve : series)
            if (!curve.value.isEmpty())
                result.append(std::move(curve));
        for (int i = 0; i < 3; ++i)
            series[size_t(i)] = RunCurve{run, systemseries::kAll[i], {}, {}, {}, {}};
    };
    flush();
    while (select.step()) {
        if (select.int64(0) != run) {
            flush();
            run = select.int64(0);
            for (RunCurve& curve : series)
                curve.run = run;
        }
        for (int i = 0; i < 3; ++i) {
            if (select.isNull(2 + i))
                continue;
            series[size_t(i)].wallTime.append(select.real(1));
            series[size_t(i)].value.append(select.real(2 + i));
        }
    }
    flush();
    return result;
}

} // namespace trainlab::compare
