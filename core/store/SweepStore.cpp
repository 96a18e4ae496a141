#include "store/SweepStore.h"

#include "store/Database.h"
#include "store/ProcessToken.h"
#include "store/RunQueries.h"
#include "sweep/ParetoFront.h"

#include <QDateTime>
#include <QJsonDocument>

namespace trainlab::sweeps {

namespace {

QString nowText() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString compact(const QJsonObject& object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

SweepRecord readSweep(const Statement& s) {
    SweepRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.strategy = s.text(2);
    r.status = s.text(3);
    r.spec = QJsonDocument::fromJson(s.text(4).toUtf8()).object();
    r.created = s.text(5);
    r.ended = s.text(6);
    r.error = s.text(7);
    r.importance = QJsonDocument::fromJson(s.text(8).toUtf8()).object();
    return r;
}

constexpr const char* kSweepColumns =
    "SELECT id, coalesce(name, ''), strategy, status, coalesce(spec, '{}'), "
    "created, coalesce(ended, ''), coalesce(error, ''), "
    "coalesce(importance, '{}') FROM sweeps ";

QJsonObject metricsJson(const QMap<QString, double>& metrics) {
    QJsonObject object;
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

} // namespace

qint64 create(Database& db, const QString& name, const QString& strategy, const QJsonObject& spec,
              const QJsonObject& space, const QJsonArray& objectives) {
    Statement insert(
        db, "INSERT INTO sweeps(name, strategy, space, objectives, status, spec, owner, created) "
            "VALUES(?, ?, ?, ?, 'running', ?, ?, ?)");
    insert.bind(1, name)
        .bind(2, strategy)
        .bind(3, compact(space))
        .bind(4, QString::fromUtf8(QJsonDocument(objectives).toJson(QJsonDocument::Compact)))
        .bind(5, compact(spec))
        .bind(6, currentProcessToken())
        .bind(7, nowText())
        .run();
    return db.lastInsertId();
}

void setStatus(Database& db, qint64 sweep, const QString& status, const QString& error) {
    const bool running = status == QLatin1String("running");
    Statement update(db,
                     "UPDATE sweeps SET status = ?, ended = ?, error = ?, owner = ? WHERE id = ?");
    update.bind(1, status)
        .bind(2, running ? QVariant() : QVariant(nowText()))
        .bind(3, error.isEmpty() ? QVariant() : QVariant(error))
        .bind(4, currentProcessToken())
        .bind(5, sweep)
        .run();
}

void setImportance(Database& db, qint64 sweep, const QJsonObject& importance) {
    Statement update(db, "UPDATE sweeps SET importance = ? WHERE id = ?");
    update.bind(1, compact(importance)).bind(2, sweep).run();
}

void attachRun(Database& db, qint64 run, qint64 sweep, int trial) {
    Statement update(db, "UPDATE runs SET sweep = ?, trial = ? WHERE id = ?");
    update.bind(1, sweep).bind(2, trial).bind(3, run).run();
}

void markPruned(Database& db, qint64 run, double savedDeviceHours) {
    Statement update(
        db, "UPDATE runs SET status = 'pruned', error = NULL, saved_device_hours = ? WHERE id = ?");
    update.bind(1, savedDeviceHours).bind(2, run).run();
}

std::vector<SweepRecord> list(Database& db) {
    Statement select(db, QByteArray(QByteArray(kSweepColumns) + "ORDER BY id DESC").constData());
    std::vector<SweepRecord> result;
    while (select.step())
        result.push_back(readSweep(select));
    return result;
}

std::optional<SweepRecord> find(Database& db, qint64 sweep) {
    Statement select(db, QByteArray(QByteArray(kSweepColumns) + "WHERE id = ?").constData());
    select.bind(1, sweep);
    if (!select.step())
        return std::nullopt;
    return readSweep(select);
}

std::vector<TrialRecord> trials(Database& db, qint64 sweep) {
    Statement select(db,
                     "SELECT id, trial, saved_device_hours FROM runs WHERE sweep = ? AND id IN "
                     "(SELECT max(id) FROM runs WHERE sweep = ? GROUP BY trial) ORDER BY trial");
    select.bind(1, sweep).bind(2, sweep);
    std::vector<TrialRecord> result;
    while (select.step()) {
        TrialRecord t;
        t.trial = int(select.int64(1));
        if (!select.isNull(2))
            t.savedDeviceHours = select.real(2);
        if (auto run = runs::find(db, select.int64(0)))
            t.run = *run;
        t.metrics = runs::metricSummary(db, t.run.id).final;
        result.push_back(t);
    }
    return result;
}

QJsonObject report(Database& db, const SweepRecord& sweep) {
    const QJsonArray objectives = sweep.spec.value(QStringLiteral("sweep"))
                                          .toObject()
                                          .value(QStringLiteral("objective"))
                                          .isArray()
                                      ? sweep.spec.value(QStringLiteral("sweep"))
                                            .toObject()
                                            .value(QStringLiteral("objective"))
                                            .toArray()
                                      : QJsonArray{sweep.spec.value(QStringLiteral("sweep"))
                                                       .toObject()
                                                       .value(QStringLiteral("objective"))};
    QJsonArray trialList;
    double saved = 0;
    const TrialRecord* best = nullptr;
    const auto all = trials(db, sweep.id);
    std::vector<std::vector<double>> rows;
    std::vector<int> rowTrials;
    std::vector<bool> maximize;
    for (const auto& o : objectives)
        maximize.push_back(o.toObject().value(QStringLiteral("goal")).toString() ==
                           QLatin1String("maximize"));
    const QString first =
        objectives.isEmpty()
            ? QString()
            : objectives.first().toObject().value(QStringLiteral("metric")).toString();
    for (const TrialRecord& t : all) {
        trialList.append(
            QJsonObject{{QStringLiteral("trial"), t.trial},
                        {QStringLiteral("run"), t.run.id},
                        {QStringLiteral("status"), runStatusName(t.run.status)},
                        {QStringLiteral("params"), t.run.params},
                        {QStringLiteral("metrics"), metricsJson(t.metrics)},
                        {QStringLiteral("error"),
                         t.run.error.isEmpty() ? QJsonValue() : QJsonValue(t.run.error)}});
        saved += t.savedDeviceHours.value_or(0);
        if (t.run.status != RunStatus::Completed || !t.metrics.contains(first))
            continue;
        if (!best || (maximize.front() ? t.metrics.value(first) > best->metrics.value(first)
                                       : t.metrics.value(first) < best->metrics.value(first)))
            best = &t;
        std::vector<double> row;
        for (const auto& o : objectives) {
            const QString metric = o.toObject().value(QStringLiteral("metric")).toString();
            if (!t.metrics.contains(metric))
                break;
            row.push_back(t.metrics.value(metric));
        }
        if (row.size() == size_t(objectives.size())) {
            rows.push_back(row);
            rowTrials.push_back(t.trial);
        }
    }
    QJsonArray pareto;
    for (int index : paretoFront(rows, maximize))
        pareto.append(rowTrials[size_t(index)]);
    QJsonObject bestJson;
    if (best)
        bestJson = {{QStringLiteral("trial"), best->trial},
                    {QStringLiteral("params"), best->run.params},
                    {QStringLiteral("metrics"), metricsJson(best->metrics)}};
    return {
        {QStringLiteral("id"), sweep.id},
        {QStringLiteral("name"), sweep.name},
        {QStringLiteral("status"), sweep.status},
        {QStringLiteral("strategy"), sweep.strategy},
        {QStringLiteral("objective"), objectives},
        {QStringLiteral("best"), best ? QJsonValue(bestJson) : QJsonValue()},
        {QStringLiteral("trials"), trialList},
        {QStringLiteral("pareto"), pareto},
        {QStringLiteral("importance"), sweep.importance},
        {QStringLiteral("saved_device_hours"), saved},
        {QStringLiteral("error"), sweep.error.isEmpty() ? QJsonValue() : QJsonValue(sweep.error)}};
}

} // namespace trainlab::sweeps
