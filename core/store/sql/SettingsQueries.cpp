#include "store/sql/SettingsQueries.h"

#include "store/sql/Database.h"

#include <sqlite3.h>

namespace trainlab::settings {

QMap<QString, QString> all(Database& db) {
    Statement select(db, "SELECT key, value FROM settings ORDER BY key");
    QMap<QString, QString> values;
    while (select.step())
        values.insert(select.text(0), select.text(1));
    return values;
}

void set(Database& db, const QString& key, const QString& value) {
    Statement upsert(db, "INSERT INTO settings(key, value) VALUES(?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, key).bind(2, value).run();
}

bool unset(Database& db, const QString& key) {
    Statement remove(db, "DELETE FROM settings WHERE key = ?");
    remove.bind(1, key).run();
    return sqlite3_changes(db.handle()) > 0;
}

} // namespace trainlab::settings
