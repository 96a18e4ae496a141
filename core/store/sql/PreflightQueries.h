#pragma once

#include "store/RunRecords.h"
#include "store/sql/Private.h"

#include <vector>

namespace trainlab {

class Database;

/// SQL of the pre-flight results: a tool's kind (lr_find), the spec and the result as JSON.
namespace preflight {

qint64 insert(Database& db, const QString& kind, const QString& specJson,
              const QString& resultJson);
/// Every result of `kind` (all kinds when empty), oldest first.
std::vector<PreflightRecord> list(Database& db, const QString& kind);

} // namespace preflight

} // namespace trainlab
