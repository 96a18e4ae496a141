#include "store/sql/PreflightQueries.h"

#include "store/sql/Database.h"
#include "util/Clock.h"
#include "util/Json.h"

namespace trainlab::preflight {

qint64 insert(Database& db, const QString& kind, const QString& specJson,
              const QString& resultJson) {
    Statement add(db, "INSERT INTO preflight_results(kind, spec, result, created) "
                      "VALUES(?, ?, ?, ?)");
    add.bind(1, kind).bind(2, specJson).bind(3, resultJson).bind(4, isoTimestampNow()).run();
    return db.lastInsertId();
}

std::vector<PreflightRecord> list(Database& db, const QString& kind) {
    Statement select(db, "SELECT id, kind, spec, result, created FROM preflight_results "
                         "WHERE ? = '' OR kind = ? ORDER BY id");
    select.bind(1, kind).bind(2, kind);
    std::vector<PreflightRecord> records;
    while (select.step())
        records.push_back({select.int64(0), select.text(1), parseJsonObject(select.text(2)),
                           parseJsonObject(select.text(3)), select.text(4)});
    return records;
}

} // namespace trainlab::preflight
