#include "store/RunQueries.h"

#include "store/Database.h"
#include "store/ProcessToken.h"

#include <QDateTime>
#include <QJsonDocument>
#include <algorithm>

namespace trainlab::runs {

namespace {

QString nowText() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QVariant optionalReal(const std::optional<double>& value) {
    return value ? QVariant(*value) : QVariant();
}

std::optional<double> readOptional(const Statement& s, int column) {
    return s.isNull(column) ? std::nullopt : std::optional<double>(s.real(column));
}

constexpr const char* kRunColumns =
    "SELECT id, coalesce(experiment, 0), name, status, params, spec, devices, created, "
    "coalesce(started, ''), coalesce(ended, ''), coalesce(error, ''), energy_j, device_hours, "
    "cost, coalesce(checkpoint_dir, '') FROM runs ";

RunRecord readRun(const Statement& s) {
    RunRecord r;
    r.id = s.int64(0);
    r.experiment = s.int64(1);
    r.name = s.text(2);
    r.status = runStatusFromName(s.text(3));
    r.params = QJsonDocument::fromJson(s.text(4).toUtf8()).object();
    r.spec = s.text(5);
    r.devices = s.text(6);
    r.created = s.text(7);
    r.started = s.text(8);
    r.ended = s.text(9);
    r.error = s.text(10);
    r.energyJ = readOptional(s, 11);
    r.deviceHours = readOptional(s, 12);
    r.cost = readOptional(s, 13);
    r.checkpointDir = s.text(14);
    return r;
}

} // namespace

qint64 createExperiment(Database& db, const QString& name, const QString& specJson) {
    Statement insert(db, "INSERT INTO experiments(name, spec, created) VALUES(?, ?, ?)");
    insert.bind(1, name).bind(2, specJson).bind(3, nowText()).run();
    return db.lastInsertId();
}

qint64 createRun(Database& db, const RunRecord& run) {
    Statement insert(db, "INSERT INTO runs(experiment, name, status, params, spec, devices, "
                         "created) VALUES(?, ?, 'queued', ?, ?, ?, ?)");
    insert.bind(1, run.experiment > 0 ? QVariant(run.experiment) : QVariant())
        .bind(2, run.name)
        .bind(3, QString::fromUtf8(QJsonDocument(run.params).toJson(QJsonDocument::Compact)))
        .bind(4, run.spec)
        .bind(5, run.devices)
        .bind(6, nowText())
        .run();
    return db.lastInsertId();
}

void setCheckpointDirectory(Database& db, qint64 run, const QString& directory) {
    Statement update(db, "UPDATE runs SET checkpoint_dir = ? WHERE id = ?");
    update.bind(1, directory).bind(2, run).run();
}

void markRunning(Database& db, qint64 run, const QString& devices) {
    Statement update(db, "UPDATE runs SET status = 'running', started = ?, devices = ?, "
                         "owner = ?, ended = NULL, error = NULL WHERE id = ?");
    update.bind(1, nowText()).bind(2, devices).bind(3, currentProcessToken()).bind(4, run).run();
}

void finish(Database& db, const RunRecord& run) {
    // Figures add up over the sessions of a resumed run.
    Statement update(db, "UPDATE runs SET status = ?1, ended = ?2, error = ?3, "
                         "energy_j = coalesce(energy_j + ?4, ?4, energy_j), "
                         "device_hours = coalesce(device_hours + ?5, ?5, device_hours), "
                         "cost = coalesce(cost + ?6, ?6, cost) WHERE id = ?7");
    update.bind(1, runStatusName(run.status))
        .bind(2, nowText())
        .bind(3, run.error.isEmpty() ? QVariant() : QVariant(run.error))
        .bind(4, optionalReal(run.energyJ))
        .bind(5, optionalReal(run.deviceHours))
        .bind(6, optionalReal(run.cost))
        .bind(7, run.id)
        .run();
}

void appendMetrics(Database& db, const QVector<MetricPoint>& points) {
    Statement insert(db, "INSERT INTO metrics(run, step, epoch, name, value, wall_time) "
                         "VALUES(?, ?, ?, ?, ?, ?)");
    for (const MetricPoint& p : points) {
        insert.bind(1, p.run)
            .bind(2, p.step)
            .bind(3, p.epoch)
            .bind(4, p.name)
            .bind(5, p.value)
            .bind(6, p.wallTime)
            .run();
    }
}

std::vector<RunRecord> list(Database& db) {
    Statement select(db, QByteArray(QByteArray(kRunColumns) + "ORDER BY id DESC").constData());
    std::vector<RunRecord> result;
    while (select.step())
        result.push_back(readRun(select));
    return result;
}

std::optional<RunRecord> find(Database& db, qint64 run) {
    Statement select(db, QByteArray(QByteArray(kRunColumns) + "WHERE id = ?").constData());
    select.bind(1, run);
    if (!select.step())
        return std::nullopt;
    return readRun(select);
}

QStringList metricNames(Database& db, qint64 run) {
    Statement select(db, "SELECT DISTINCT name FROM metrics WHERE run = ? ORDER BY name");
    select.bind(1, run);
    QStringList names;
    while (select.step())
        names << select.text(0);
    return names;
}

QVector<MetricPoint> metricSeries(Database& db, qint64 run, const QString& name, int maxPoints) {
    Statement select(db, "SELECT step, epoch, value, wall_time FROM metrics WHERE run = ? AND "
                         "name = ? ORDER BY step, rowid");
    select.bind(1, run).bind(2, name);
    QVector<MetricPoint> all;
    while (select.step())
        all.append({run, select.int64(0), select.real(1), name, select.real(2), select.real(3)});
    if (maxPoints <= 0 || all.size() <= maxPoints)
        return all;

    // Each bucket keeps first, min, max, last in step order: 4 points per bucket.
    const qsizetype buckets = std::max<qsizetype>(1, maxPoints / 4);
    const double width = double(all.size()) / double(buckets);
    QVector<MetricPoint> reduced;
    reduced.reserve(buckets * 4);
    for (qsizetype b = 0; b < buckets; ++b) {
        const auto begin = qsizetype(b * width);
        const auto end = std::min(all.size(), qsizetype((b + 1) * width));
        if (begin >= end)
            continue;
        qsizetype lo = begin;
        qsizetype hi = begin;
        for (qsizetype i = begin; i < end; ++i) {
            if (all[i].value < all[lo].value)
                lo = i;
            if (all[i].value > all[hi].value)
                hi = i;
        }
        QList<qsizetype> keep = {begin, lo, hi, end - 1};
        std::sort(keep.begin(), keep.end());
        keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
        for (qsizetype i : keep)
            reduced.append(all[i]);
    }
    return reduced;
}

RunMetricSummary metricSummary(Database& db, qint64 run) {
    RunMetricSummary summary;
    // SQLite takes bare columns from the row that holds max(): the value at the last step.
    Statement last(db, "SELECT name, value, max(step) FROM metrics WHERE run = ? GROUP BY name");
    last.bind(1, run);
    while (last.step())
        summary.final.insert(last.text(0), last.real(1));
    Statement extremes(db, "SELECT name, min(value), max(value) FROM metrics WHERE run = ? "
                           "GROUP BY name");
    extremes.bind(1, run);
    while (extremes.step()) {
        const QString name = extremes.text(0);
        if (const auto higher = metricHigherIsBetter(name))
            summary.best.insert(name, *higher ? extremes.real(2) : extremes.real(1));
    }
    return summary;
}

} // namespace trainlab::runs
