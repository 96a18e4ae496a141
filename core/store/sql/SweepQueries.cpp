#include "store/sql/SweepQueries.h"

#include "store/ProcessToken.h"
#include "store/sql/CompareQueries.h"
#include "store/sql/Database.h"
#include "store/sql/RunQueries.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QHash>

namespace trainlab::sweeps {

namespace {

SweepRecord readSweep(const Statement& s) {
    SweepRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.strategy = s.text(2);
    r.status = runStatusFromName(s.text(3));
    r.spec = parseJsonObject(s.text(4));
    r.created = s.text(5);
    r.ended = s.text(6);
    r.error = s.text(7);
    r.importance = parseJsonObject(s.text(8));
    r.owner = s.text(9);
    return r;
}

constexpr const char* kSweepColumns =
    "SELECT id, coalesce(name, ''), strategy, status, coalesce(spec, '{}'), "
    "created, coalesce(ended, ''), coalesce(error, ''), "
    "coalesce(importance, '{}'), coalesce(owner, '') FROM sweeps ";

} // namespace

qint64 create(Database& db, const NewSweep& sweep) {
    Statement insert(
        db, "INSERT INTO sweeps(name, strategy, space, objectives, status, spec, owner, created) "
            "VALUES(?, ?, ?, ?, 'running', ?, ?, ?)");
    insert.bind(1, sweep.name)
        .bind(2, sweep.strategy)
        .bind(3, compactJson(sweep.space))
        .bind(4, compactJson(sweep.objectives))
        .bind(5, compactJson(sweep.spec))
        .bind(6, currentProcessToken())
        .bind(7, isoTimestampNow())
        .run();
    return db.lastInsertId();
}

void setStatus(Database& db, qint64 sweep, RunStatus status, const QString& error, bool release) {
    const bool ended = isFinalStatus(status);
    Statement update(db,
                     "UPDATE sweeps SET status = ?, ended = ?, error = ?, owner = ? WHERE id = ?");
    update.bind(1, runStatusName(status))
        .bind(2, ended ? QVariant(isoTimestampNow()) : QVariant())
        .bind(3, error.isEmpty() ? QVariant() : QVariant(error))
        // An ended sweep, or one left paused by a closing program, belongs to nobody.
        .bind(4, ended || release ? QVariant() : QVariant(currentProcessToken()))
        .bind(5, sweep)
        .run();
}

void setImportance(Database& db, qint64 sweep, const QJsonObject& importance) {
    Statement update(db, "UPDATE sweeps SET importance = ? WHERE id = ?");
    update.bind(1, compactJson(importance)).bind(2, sweep).run();
}

void setSpec(Database& db, qint64 sweep, const QJsonObject& spec) {
    Statement update(db, "UPDATE sweeps SET spec = ? WHERE id = ?");
    update.bind(1, compactJson(spec)).bind(2, sweep).run();
}

std::vector<SweepRecord> list(Database& db) {
    return queryAll<SweepRecord>(db, QByteArray(kSweepColumns) + "ORDER BY id DESC", readSweep);
}

std::optional<SweepRecord> find(Database& db, qint64 sweep) {
    return queryOne<SweepRecord>(db, QByteArray(kSweepColumns) + "WHERE id = ?", readSweep, sweep);
}

std::vector<TrialRecord> trials(Database& db, qint64 sweep) {
    // Three queries whatever the number of trials: which runs, their rows, their summaries.
    Statement select(db,
                     "SELECT id, trial, saved_device_hours FROM runs WHERE sweep = ? AND id IN "
                     "(SELECT max(id) FROM runs WHERE sweep = ? GROUP BY trial) ORDER BY trial");
    select.bind(1, sweep).bind(2, sweep);
    std::vector<TrialRecord> result;
    QList<qint64> ids;
    while (select.step()) {
        TrialRecord t;
        t.run.id = select.int64(0);
        t.trial = int(select.int64(1));
        if (!select.isNull(2))
            t.savedDeviceHours = select.real(2);
        ids.append(t.run.id);
        result.push_back(t);
    }
    QHash<qint64, RunRecord> rows;
    for (RunRecord& run : runs::findAll(db, ids))
        rows.insert(run.id, std::move(run));
    const auto summaries = compare::summaries(db, ids);
    for (TrialRecord& t : result) {
        t.run = rows.value(t.run.id);
        QMap<QString, double> final;
        const auto stored = summaries.value(t.run.id);
        for (auto it = stored.begin(); it != stored.end(); ++it)
            final.insert(it.key(), it->last);
        t.metrics = withRunFigures(final, t.run);
    }
    return result;
}

SweepTotals totals(Database& db, qint64 sweep) {
    // Every row, trials' earlier runs included: what they used was used.
    Statement select(db, "SELECT sum(energy_j), sum(device_hours), sum(cost) FROM runs "
                         "WHERE sweep = ?");
    select.bind(1, sweep);
    SweepTotals totals;
    if (select.step()) {
        if (!select.isNull(0))
            totals.energyJ = select.real(0);
        if (!select.isNull(1))
            totals.deviceHours = select.real(1);
        if (!select.isNull(2))
            totals.cost = select.real(2);
    }
    return totals;
}

} // namespace trainlab::sweeps
