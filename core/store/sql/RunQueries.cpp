#include "store/sql/RunQueries.h"

#include "store/ProcessToken.h"
#include "store/StoreError.h"
#include "store/sql/Database.h"
#include "util/Clock.h"
#include "util/Decimation.h"
#include "util/Json.h"

#include <QJsonArray>
#include <algorithm>

namespace trainlab::runs {

namespace {

QVariant optionalReal(const std::optional<double>& value) {
    return value ? QVariant(*value) : QVariant();
}

std::optional<double> readOptional(const Statement& s, int column) {
    return s.isNull(column) ? std::nullopt : std::optional<double>(s.real(column));
}

constexpr const char* kRunColumns =
    "SELECT id, coalesce(experiment, 0), name, status, params, spec, devices, created, "
    "coalesce(started, ''), coalesce(ended, ''), coalesce(error, ''), energy_j, device_hours, "
    "cost, coalesce(checkpoint_dir, ''), coalesce(owner, ''), coalesce(sweep, 0), "
    "coalesce(trial, 0), coalesce(energy_source, ''), coalesce(environment, '{}'), "
    "(SELECT group_concat(tag, char(10)) FROM run_tags WHERE run = runs.id), "
    "coalesce((SELECT note FROM run_notes WHERE run = runs.id), '') FROM runs ";

RunRecord readRun(const Statement& s) {
    RunRecord r;
    r.id = s.int64(0);
    r.experiment = s.int64(1);
    r.name = s.text(2);
    r.status = runStatusFromName(s.text(3));
    r.params = parseJsonObject(s.text(4));
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
    r.owner = s.text(15);
    r.sweep = s.int64(16);
    r.trial = int(s.int64(17));
    r.energySource = s.text(18);
    r.environment = parseJsonObject(s.text(19));
    if (!s.isNull(20)) {
        r.tags = s.text(20).split(QLatin1Char('\n'));
        r.tags.sort();
    }
    r.note = s.text(21);
    return r;
}

} // namespace

// Each workspace has its own folder, so two workspaces side by side never share `run-1`.
QString checkpointDirectory(const Database& db, qint64 run) {
    return Database::workspaceFolder(db.path()) + QStringLiteral("/checkpoints/run-%1").arg(run);
}

RunPlace create(Database& db, const NewRun& run, const QString& runningOn) {
    Transaction transaction(db);
    Statement experiment(db, "INSERT INTO experiments(name, spec, created) VALUES(?, ?, ?)");
    experiment.bind(1, run.name).bind(2, run.specJson).bind(3, isoTimestampNow()).run();
    const qint64 experimentId = db.lastInsertId();
    Statement insert(db, "INSERT INTO runs(experiment, name, status, params, spec, created, "
                         "sweep, trial) VALUES(?, ?, 'queued', ?, ?, ?, ?, ?)");
    insert.bind(1, experimentId)
        .bind(2, run.name)
        .bind(3, compactJson(run.params))
        .bind(4, run.specJson)
        .bind(5, isoTimestampNow())
        .bind(6, run.sweep > 0 ? QVariant(run.sweep) : QVariant())
        .bind(7, run.sweep > 0 ? QVariant(run.trial) : QVariant())
        .run();
    RunPlace place;
    place.id = db.lastInsertId();
    place.checkpointDir = checkpointDirectory(db, place.id);
    place.workspaceId = db.workspaceId();
    Statement folder(db, "UPDATE runs SET checkpoint_dir = ? WHERE id = ?");
    folder.bind(1, place.checkpointDir).bind(2, place.id).run();
    if (!runningOn.isEmpty())
        markRunning(db, place.id, runningOn);
    transaction.commit();
    return place;
}

RunPlace beginResume(Database& db, qint64 run, const QString& devices) {
    Transaction transaction(db);
    const auto record = find(db, run);
    if (!record)
        throw InputError(QStringLiteral("%1: no run %2").arg(db.path()).arg(run));
    RunPlace place;
    place.id = run;
    place.workspaceId = db.workspaceId();
    // A run from before workspaces had their own folder keeps its old one.
    place.checkpointDir =
        record->checkpointDir.isEmpty() ? checkpointDirectory(db, run) : record->checkpointDir;
    Statement last(db, "SELECT path, step FROM checkpoints WHERE run = ? AND is_best = 0 "
                       "ORDER BY id DESC LIMIT 1");
    last.bind(1, run);
    if (last.step()) {
        place.resumeFrom = last.text(0);
        place.resumeStep = last.int64(1);
    }
    const bool fromStart = place.resumeFrom.isEmpty();
    // Rows logged after the checkpoint are replayed by the continuation; the end-of-run test
    // evaluation is logged at the checkpoint's own step.
    Statement metrics(db, "DELETE FROM metrics WHERE run = ?1 AND (step > ?2 OR ?3 OR "
                          "(step = ?2 AND name LIKE 'test\\_%' ESCAPE '\\'))");
    metrics.bind(1, run).bind(2, place.resumeStep).bind(3, qint64(fromStart)).run();
    resummarize(db, run);
    Statement artifacts(db, "DELETE FROM artifacts WHERE run = ?");
    artifacts.bind(1, run).run();
    if (fromStart) {
        Statement checkpoints(db, "DELETE FROM checkpoints WHERE run = ?");
        checkpoints.bind(1, run).run();
    }
    markRunning(db, run, devices);
    transaction.commit();
    return place;
}

void markRunning(Database& db, qint64 run, const QString& devices) {
    Statement update(db, "UPDATE runs SET status = 'running', started = coalesce(started, ?), "
                         "devices = ?, owner = ?, ended = NULL, error = NULL WHERE id = ?");
    update.bind(1, isoTimestampNow())
        .bind(2, devices)
        .bind(3, currentProcessToken())
        .bind(4, run)
        .run();
}

void setStatus(Database& db, qint64 run, RunStatus status) {
    Statement update(db, "UPDATE runs SET status = ?, owner = ? WHERE id = ?");
    update.bind(1, runStatusName(status)).bind(2, currentProcessToken()).bind(3, run).run();
}

void finish(Database& db, const RunEnd& end) {
    // Figures add up over the sessions of a resumed run.
    // The process lets go of the run: a paused one may be resumed by any other.
    Statement update(db, "UPDATE runs SET status = ?1, ended = ?2, error = ?3, owner = NULL, "
                         "energy_j = coalesce(energy_j + ?4, ?4, energy_j), "
                         "device_hours = coalesce(device_hours + ?5, ?5, device_hours), "
                         "cost = coalesce(cost + ?6, ?6, cost), "
                         "saved_device_hours = coalesce(?7, saved_device_hours), "
                         "energy_source = coalesce(?9, energy_source) WHERE id = ?8");
    update.bind(1, runStatusName(end.status))
        .bind(2, isoTimestampNow())
        .bind(3, end.error.isEmpty() ? QVariant() : QVariant(end.error))
        .bind(4, optionalReal(end.energyJ))
        .bind(5, optionalReal(end.deviceHours))
        .bind(6, optionalReal(end.cost))
        .bind(7, optionalReal(end.savedDeviceHours))
        .bind(8, end.run)
        .bind(9, end.energySource.isEmpty() ? QVariant() : QVariant(end.energySource))
        .run();
}

void setEnvironment(Database& db, qint64 run, const QJsonObject& environment) {
    Statement update(db, "UPDATE runs SET environment = ? WHERE id = ?");
    update.bind(1, compactJson(environment)).bind(2, run).run();
}

void appendSystemSamples(Database& db, const QVector<SystemSample>& samples) {
    Statement insert(db, "INSERT INTO system_samples(run, device, time, gpu_mem_used, "
                         "gpu_mem_total, util, power_w, temperature_c, cpu_percent, rss_bytes, "
                         "gpu_energy_j, cuda_allocated, cuda_reserved, cuda_peak_allocated) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const SystemSample& s : samples) {
        insert.bind(1, s.run)
            .bind(2, s.device)
            .bind(3, s.time)
            .bind(4, optionalReal(s.gpuMemUsedBytes))
            .bind(5, optionalReal(s.gpuMemTotalBytes))
            .bind(6, optionalReal(s.utilPercent))
            .bind(7, optionalReal(s.powerW))
            .bind(8, optionalReal(s.temperatureC))
            .bind(9, optionalReal(s.cpuPercent))
            .bind(10, optionalReal(s.rssBytes))
            .bind(11, optionalReal(s.gpuEnergyJ))
            .bind(12, optionalReal(s.cudaAllocatedBytes))
            .bind(13, optionalReal(s.cudaReservedBytes))
            .bind(14, optionalReal(s.cudaPeakAllocatedBytes))
            .run();
    }
}

QVector<SystemSample> systemSamples(Database& db, qint64 run, double afterTime) {
    Statement select(db, "SELECT device, time, gpu_mem_used, gpu_mem_total, util, power_w, "
                         "temperature_c, cpu_percent, rss_bytes, gpu_energy_j, cuda_allocated, "
                         "cuda_reserved, cuda_peak_allocated FROM system_samples "
                         "WHERE run = ? AND time > ? ORDER BY time");
    select.bind(1, run).bind(2, afterTime);
    QVector<SystemSample> samples;
    while (select.step()) {
        SystemSample s;
        s.run = run;
        s.device = select.text(0);
        s.time = select.real(1);
        s.gpuMemUsedBytes = readOptional(select, 2);
        s.gpuMemTotalBytes = readOptional(select, 3);
        s.utilPercent = readOptional(select, 4);
        s.powerW = readOptional(select, 5);
        s.temperatureC = readOptional(select, 6);
        s.cpuPercent = readOptional(select, 7);
        s.rssBytes = readOptional(select, 8);
        s.gpuEnergyJ = readOptional(select, 9);
        s.cudaAllocatedBytes = readOptional(select, 10);
        s.cudaReservedBytes = readOptional(select, 11);
        s.cudaPeakAllocatedBytes = readOptional(select, 12);
        samples.append(s);
    }
    return samples;
}

qint64 systemSampleCount(Database& db, qint64 run) {
    Statement count(db, "SELECT count(*) FROM system_samples WHERE run = ?");
    count.bind(1, run);
    return count.step() ? count.int64(0) : 0;
}

void recordCheckpoint(Database& db, const CheckpointRecord& c) {
    Transaction transaction(db);
    Statement remove(db, "DELETE FROM checkpoints WHERE run = ? AND is_best = ?");
    remove.bind(1, c.run).bind(2, qint64(c.best)).run();
    Statement insert(db, "INSERT INTO checkpoints(run, step, epoch, path, metric, value, "
                         "is_best, created) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, c.run)
        .bind(2, c.step)
        .bind(3, c.epoch)
        .bind(4, c.path)
        .bind(5, c.metric.isEmpty() ? QVariant() : QVariant(c.metric))
        .bind(6, c.metric.isEmpty() ? QVariant() : QVariant(c.value))
        .bind(7, qint64(c.best))
        .bind(8, isoTimestampNow())
        .run();
    transaction.commit();
}

void storeArtifact(Database& db, qint64 run, const QString& kind, const QJsonObject& payload) {
    Statement insert(db, "INSERT INTO artifacts(run, kind, payload, created) VALUES(?, ?, ?, ?)");
    insert.bind(1, run)
        .bind(2, kind)
        .bind(3, compactJson(payload))
        .bind(4, isoTimestampNow())
        .run();
}

std::optional<QJsonObject> artifact(Database& db, qint64 run, const QString& kind) {
    Statement query(db, "SELECT payload FROM artifacts WHERE run = ? AND kind = ? "
                        "ORDER BY id DESC LIMIT 1");
    query.bind(1, run).bind(2, kind);
    if (!query.step())
        return std::nullopt;
    return parseJsonObject(query.text(0));
}

std::vector<CheckpointRecord> checkpoints(Database& db, qint64 run) {
    Statement query(db, "SELECT step, epoch, path, coalesce(metric, ''), coalesce(value, 0), "
                        "is_best FROM checkpoints WHERE run = ? ORDER BY id");
    query.bind(1, run);
    std::vector<CheckpointRecord> list;
    while (query.step())
        list.push_back({run, query.int64(0), query.real(1), query.text(2), query.int64(5) != 0,
                        query.text(3), query.real(4)});
    return list;
}

void appendMetrics(Database& db, const QVector<MetricPoint>& points) {
    Statement insert(db, "INSERT INTO metrics(run, step, epoch, name, value, wall_time) "
                         "VALUES(?, ?, ?, ?, ?, ?)");
    // In the SET clause the bare names are the stored row: a later step (or the same step
    // logged again) becomes the last value.
    Statement summarize(db, "INSERT INTO run_summaries(run, name, last_step, last_value, "
                            "min_value, max_value) VALUES(?1, ?2, ?3, ?4, ?4, ?4) "
                            "ON CONFLICT(run, name) DO UPDATE SET "
                            "last_value = CASE WHEN excluded.last_step >= last_step "
                            "THEN excluded.last_value ELSE last_value END, "
                            "last_step = max(last_step, excluded.last_step), "
                            "min_value = min(min_value, excluded.min_value), "
                            "max_value = max(max_value, excluded.max_value)");
    for (const MetricPoint& p : points) {
        insert.bind(1, p.run)
            .bind(2, p.step)
            .bind(3, p.epoch)
            .bind(4, p.name)
            .bind(5, p.value)
            .bind(6, p.wallTime)
            .run();
        summarize.bind(1, p.run).bind(2, p.name).bind(3, p.step).bind(4, p.value).run();
    }
}

void resummarize(Database& db, qint64 run) {
    Statement clear(db, "DELETE FROM run_summaries WHERE run = ?");
    clear.bind(1, run).run();
    Statement extremes(db, "INSERT INTO run_summaries(run, name, last_step, min_value, "
                           "max_value) SELECT run, name, max(step), min(value), max(value) "
                           "FROM metrics WHERE run = ? GROUP BY name");
    extremes.bind(1, run).run();
    Statement last(db, "UPDATE run_summaries SET last_value = (SELECT value FROM metrics m WHERE "
                       "m.run = run_summaries.run AND m.name = run_summaries.name AND m.step = "
                       "run_summaries.last_step ORDER BY m.rowid DESC LIMIT 1) WHERE run = ?");
    last.bind(1, run).run();
}

std::vector<RunRecord> list(Database& db) {
    return queryAll<RunRecord>(db, QByteArray(kRunColumns) + "ORDER BY id DESC", readRun);
}

std::vector<RunListLine> listLines(Database& db, const QString& metric) {
    Statement select(db, "SELECT r.id, r.status, r.started, r.name, s.last_value FROM runs r "
                         "LEFT JOIN run_summaries s ON s.run = r.id AND s.name = ? "
                         "ORDER BY r.id DESC");
    select.bind(1, metric);
    std::vector<RunListLine> lines;
    while (select.step())
        lines.push_back({select.int64(0), runStatusFromName(select.text(1)), select.text(2),
                         select.text(3), readOptional(select, 4)});
    return lines;
}

std::optional<RunRecord> find(Database& db, qint64 run) {
    return queryOne<RunRecord>(db, QByteArray(kRunColumns) + "WHERE id = ?", readRun, run);
}

std::vector<RunRecord> unfinished(Database& db) {
    return queryAll<RunRecord>(
        db, QByteArray(kRunColumns) + "WHERE status IN ('queued', 'running', 'paused') ORDER BY id",
        readRun);
}

std::vector<RunRecord> findAll(Database& db, const QList<qint64>& ids) {
    return queryAll<RunRecord>(
        db, QByteArray(kRunColumns) + "WHERE id IN (SELECT value FROM json_each(?))", readRun,
        jsonIdArray(ids));
}

QStringList metricNames(Database& db, qint64 run) {
    Statement select(db, "SELECT DISTINCT name FROM metrics WHERE run = ? ORDER BY name");
    select.bind(1, run);
    QStringList names;
    while (select.step())
        names << select.text(0);
    return names;
}

QString listSignature(Database& db) {
    Statement select(db, "SELECT COUNT(*), COALESCE(MAX(id), 0), (SELECT group_concat(id || "
                         "status) FROM runs WHERE status IN ('queued', 'running', 'paused')), "
                         "(SELECT version FROM run_labels_version) FROM runs");
    select.step();
    return QStringLiteral("%1/%2/%3/%4")
        .arg(select.int64(0))
        .arg(select.int64(1))
        .arg(select.text(2))
        .arg(select.int64(3));
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

    // A pixel column's worth of steps each keeps its first, min, max and last point (see
    // util/Decimation.h): 4 points a column.
    std::vector<double> steps(size_t(all.size()));
    std::vector<double> values(size_t(all.size()));
    for (qsizetype i = 0; i < all.size(); ++i) {
        steps[size_t(i)] = double(all[i].step);
        values[size_t(i)] = all[i].value;
    }
    std::vector<qsizetype> keep;
    keep.reserve(size_t(maxPoints));
    decimate(steps, values, {steps.front(), steps.back(), std::max(1, maxPoints / 4)}, keep);
    QVector<MetricPoint> reduced;
    reduced.reserve(qsizetype(keep.size()));
    for (const qsizetype i : keep)
        reduced.append(all[i]);
    return reduced;
}

qint64 lastMetricRow(Database& db, qint64 run) {
    Statement last(db, "SELECT coalesce(max(rowid), 0) FROM metrics WHERE run = ?");
    last.bind(1, run);
    return last.step() ? last.int64(0) : 0;
}

QVector<MetricPoint> metricsAfter(Database& db, qint64 run, const QStringList& names,
                                  qint64 afterRow, qint64& lastRow) {
    Statement select(db, "SELECT rowid, step, epoch, name, value, wall_time FROM metrics "
                         "WHERE run = ? AND rowid > ? ORDER BY rowid");
    select.bind(1, run).bind(2, afterRow);
    QVector<MetricPoint> points;
    while (select.step()) {
        lastRow = select.int64(0);
        const QString name = select.text(3);
        if (names.contains(name))
            points.append(
                {run, select.int64(1), select.real(2), name, select.real(4), select.real(5)});
    }
    return points;
}

RunMetricSummary metricSummary(Database& db, qint64 run) {
    RunMetricSummary summary;
    Statement select(db, "SELECT name, last_value, min_value, max_value FROM run_summaries "
                         "WHERE run = ?");
    select.bind(1, run);
    while (select.step()) {
        const QString name = select.text(0);
        summary.final.insert(name, select.real(1));
        if (const auto higher = metricHigherIsBetter(name))
            summary.best.insert(name, *higher ? select.real(3) : select.real(2));
    }
    return summary;
}

} // namespace trainlab::runs
