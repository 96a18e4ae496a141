#pragma once

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab {

class Database;
struct RunRecord;

/// The `show RUN --json` document of DESIGN.md: id, name, status, error, params, final, best,
/// energy_j, device_hours, cost, started, ended.
QJsonObject runReportJson(Database& db, const RunRecord& run);

/// One entry per run for `runs --json`, each the same document as `show`.
QJsonArray runListJson(Database& db);

} // namespace trainlab
