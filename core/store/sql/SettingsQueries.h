#pragma once

#include "store/sql/Private.h"

#include <QMap>
#include <QString>

namespace trainlab {

class Database;

/// SQL of the workspace's settings table: text values by key. What the keys mean and which
/// values are valid is telemetry/CostSettings' business; the store keeps the text.
namespace settings {

QMap<QString, QString> all(Database& db);
void set(Database& db, const QString& key, const QString& value);
/// Forgets `key` (its default applies again); false when it was not set.
bool unset(Database& db, const QString& key);

} // namespace settings

} // namespace trainlab
