#include "store/sql/RunTableQueries.h"

#include "base/MetricPoint.h"
#include "store/sql/Database.h"
#include "store/sql/RunQueries.h"
#include "util/Json.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

namespace trainlab::runtable {

namespace {

/// The ids as the JSON array that `json_each(?)` reads: one bound value for any number of ids.
QString idList(const QVector<qint64>& ids) {
    QJsonArray list;
    for (qint64 id : ids)
        list.append(id);
    return compactJson(list);
}

QString likePattern(const QString& text) {
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

/// A params key as a JSON path: the params object's keys are whole addresses.
QString paramsJsonPath(const QString& key) {
    return key.contains(QLatin1Char('"')) ? QString() : QStringLiteral("$.\"%1\"").arg(key);
}

/// SQL text with its values bound by number (?1, ?2, ...), so an expression used twice binds
/// once.
class SqlBuilder {
public:
    QString value(const QVariant& v) {
        values_.append(v);
        return QStringLiteral("?%1").arg(values_.size());
    }
    void bindAll(Statement& statement) const {
        for (qsizetype i = 0; i < values_.size(); ++i)
            statement.bind(int(i + 1), values_[i]);
    }

private:
    QVariantList values_;
};

QString fieldExpression(RunField field) {
    switch (field) {
    case RunField::Id:
        return QStringLiteral("r.id");
    case RunField::Name:
        return QStringLiteral("r.name COLLATE NOCASE");
    case RunField::Status:
        return QStringLiteral("r.status");
    case RunField::Sweep:
        return QStringLiteral("nullif(r.sweep, 0)");
    case RunField::Tags:
        return QStringLiteral("(SELECT min(tag) FROM run_tags WHERE run = r.id)");
    case RunField::Note:
        return QStringLiteral("(SELECT note FROM run_notes WHERE run = r.id)");
    case RunField::Started:
        return QStringLiteral("r.started");
    case RunField::Ended:
        return QStringLiteral("r.ended");
    case RunField::DeviceHours:
        return QStringLiteral("r.device_hours");
    case RunField::EnergyJ:
        return QStringLiteral("r.energy_j");
    case RunField::Cost:
        return QStringLiteral("r.cost");
    case RunField::Invalid:
        break;
    }
    return QStringLiteral("r.id");
}

QString paramExpression(SqlBuilder& sql, const QString& key) {
    const QString inParams = paramsJsonPath(key);
    const QString inSpec = specJsonPath(key);
    if (inParams.isEmpty())
        return QStringLiteral("NULL");
    const QString own = QStringLiteral("json_extract(r.params, %1)").arg(sql.value(inParams));
    if (inSpec.isEmpty())
        return own;
    return QStringLiteral("coalesce(%1, json_extract(r.spec, %2))").arg(own, sql.value(inSpec));
}

/// `ORDER BY` keys, most significant first.
QStringList sortKeys(SqlBuilder& sql, const RunSortKey& sort, QString& join) {
    switch (sort.kind) {
    case RunSortKey::Kind::Param:
        return {paramExpression(sql, sort.name)};
    case RunSortKey::Kind::Final:
    case RunSortKey::Kind::Best: {
        join = QStringLiteral(" LEFT JOIN run_summaries s ON s.run = r.id AND s.name = %1")
                   .arg(sql.value(sort.name));
        if (sort.kind == RunSortKey::Kind::Final)
            return {QStringLiteral("s.last_value")};
        // The same direction `show`'s "best" and the sweep page's default goal take.
        const std::optional<bool> higher = metricHigherIsBetter(sort.name);
        if (!higher)
            return {QStringLiteral("s.last_value")};
        return {*higher ? QStringLiteral("s.max_value") : QStringLiteral("s.min_value")};
    }
    case RunSortKey::Kind::Field:
        if (sort.field == RunField::Sweep)
            return {fieldExpression(RunField::Sweep), QStringLiteral("r.trial")};
        return {fieldExpression(sort.field)};
    case RunSortKey::Kind::Invalid:
        break;
    }
    return {QStringLiteral("r.id")};
}

QString whereClause(SqlBuilder& sql, const RunFilter& filter) {
    QStringList conditions;
    if (!filter.text.trimmed().isEmpty()) {
        const QString pattern = sql.value(likePattern(filter.text.trimmed()));
        conditions << QStringLiteral(
                          "(r.name LIKE %1 ESCAPE '\\' OR EXISTS(SELECT 1 FROM run_tags t WHERE "
                          "t.run = r.id AND t.tag LIKE %1 ESCAPE '\\') OR EXISTS(SELECT 1 FROM "
                          "run_notes n WHERE n.run = r.id AND n.note LIKE %1 ESCAPE '\\'))")
                          .arg(pattern);
    }
    if (filter.status != RunStatus::Invalid)
        conditions << QStringLiteral("r.status = %1").arg(sql.value(runStatusName(filter.status)));
    if (filter.sweep == RunFilter::kNoSweep)
        conditions << QStringLiteral("coalesce(r.sweep, 0) = 0");
    else if (filter.sweep > 0)
        conditions << QStringLiteral("r.sweep = %1").arg(sql.value(filter.sweep));
    if (!filter.tag.isEmpty())
        conditions << QStringLiteral(
                          "EXISTS(SELECT 1 FROM run_tags t WHERE t.run = r.id AND t.tag = %1)")
                          .arg(sql.value(filter.tag));
    if (filter.runs)
        conditions << QStringLiteral("r.id IN (SELECT value FROM json_each(%1))")
                          .arg(sql.value(jsonIdArray(*filter.runs)));
    return conditions.isEmpty()
               ? QString()
               : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
}

QVector<RunTableSweep> allSweeps(Database& db) {
    Statement select(db, "SELECT id, coalesce(name, ''), status FROM sweeps ORDER BY id DESC");
    QVector<RunTableSweep> sweeps;
    while (select.step())
        sweeps.append({select.int64(0), select.text(1), runStatusFromName(select.text(2))});
    return sweeps;
}

QStringList column(Database& db, const char* sql) {
    Statement select(db, sql);
    QStringList values;
    while (select.step())
        values << select.text(0);
    return values;
}

} // namespace

QString specJsonPath(const QString& address) {
    // A segment is a key followed by any number of [index]es: layers[0], out.
    static const QRegularExpression segment(QStringLiteral(R"(^([^.\[\]"]+)((?:\[\d+\])*)$)"));
    QString path = QStringLiteral("$");
    for (const QString& part : address.split(QLatin1Char('.'))) {
        const QRegularExpressionMatch match = segment.match(part);
        if (!match.hasMatch())
            return {};
        path += QStringLiteral(".\"%1\"%2").arg(match.captured(1), match.captured(2));
    }
    return path;
}

RunTableIndex index(Database& db, const RunTableQuery& query) {
    Transaction snapshot(db, /*immediate=*/false); // the ids, sweeps and count of one moment
    SqlBuilder sql;
    QString join;
    const QStringList keys = sortKeys(sql, query.sort, join);
    const QString where = whereClause(sql, query.filter);
    const QString direction = query.sort.descending ? QStringLiteral(" DESC NULLS LAST")
                                                    : QStringLiteral(" ASC NULLS LAST");
    QStringList order;
    for (const QString& key : keys)
        order << key + direction;
    order << QStringLiteral("r.id DESC");
    const QString text = QStringLiteral("SELECT r.id, coalesce(r.sweep, 0) FROM runs r") + join +
                         where + QStringLiteral(" ORDER BY ") + order.join(QStringLiteral(", "));
    const QByteArray utf8 = text.toUtf8();
    Statement select(db, utf8.constData());
    sql.bindAll(select);
    RunTableIndex result;
    while (select.step())
        result.runs.append({select.int64(0), select.int64(1)});
    result.sweeps = allSweeps(db);
    Statement count(db, "SELECT count(*) FROM runs");
    count.step();
    result.totalRuns = count.int64(0);
    snapshot.commit();
    return result;
}

QVector<RunTableRow> rows(Database& db, const QVector<qint64>& ids, const QStringList& params) {
    Transaction snapshot(db, /*immediate=*/false);
    QHash<qint64, qsizetype> slot;
    for (qint64 id : ids)
        slot.insert(id, -1);
    QVector<RunTableRow> found;
    for (RunRecord& run : runs::findAll(db, ids)) {
        slot[run.id] = found.size();
        RunTableRow row;
        row.run = std::move(run);
        found.append(std::move(row));
    }
    const QString list = idList(ids);
    Statement summaries(db, "SELECT run, name, last_value, min_value, max_value FROM "
                            "run_summaries WHERE run IN (SELECT value FROM json_each(?))");
    summaries.bind(1, list);
    while (summaries.step()) {
        const qsizetype at = slot.value(summaries.int64(0), -1);
        if (at < 0)
            continue;
        RunTableRow& row = found[at];
        const QString name = summaries.text(1);
        if (!summaries.isNull(2))
            row.final.insert(name, summaries.real(2));
        if (const auto higher = metricHigherIsBetter(name))
            row.best.insert(name, *higher ? summaries.real(4) : summaries.real(3));
    }
    for (const QString& key : params) {
        SqlBuilder sql;
        const QString expression = paramExpression(sql, key);
        const QString text = QStringLiteral("SELECT r.id, %1 FROM runs r WHERE r.id IN "
                                            "(SELECT value FROM json_each(%2))")
                                 .arg(expression, sql.value(list));
        const QByteArray utf8 = text.toUtf8();
        Statement select(db, utf8.constData());
        sql.bindAll(select);
        while (select.step()) {
            const qsizetype at = slot.value(select.int64(0), -1);
            if (at >= 0 && !select.isNull(1))
                found[at].params.insert(key, select.value(1));
        }
    }
    snapshot.commit();
    // In the order asked for.
    QVector<RunTableRow> ordered;
    ordered.reserve(found.size());
    for (qint64 id : ids)
        if (const qsizetype at = slot.value(id, -1); at >= 0)
            ordered.append(found[at]);
    return ordered;
}

RunColumnCatalog catalog(Database& db) {
    Transaction snapshot(db, /*immediate=*/false);
    RunColumnCatalog result;
    result.params = column(db, "SELECT DISTINCT j.key FROM runs r, json_each(r.params) j "
                               "ORDER BY j.key");
    result.metrics = column(db, "SELECT DISTINCT name FROM run_summaries ORDER BY name");
    result.tags = column(db, "SELECT DISTINCT tag FROM run_tags ORDER BY tag");
    result.sweeps = allSweeps(db);
    snapshot.commit();
    return result;
}

} // namespace trainlab::runtable
