#pragma once

#include "store/sql/Private.h"

#include "store/RunTable.h"

namespace trainlab {

class Database;

/// SQL of the runs table: one query orders and filters the ids, rows are then read a page of
/// ids at a time. Sorting by a metric reads run_summaries (one indexed row per run), by a
/// hyperparameter the run's params (else its spec) through json_extract.
namespace runtable {

RunTableIndex index(Database& db, const RunTableQuery& query);
/// The rows of `ids` (in the order given, missing ids left out), with the values of the
/// hyperparameters `params`.
QVector<RunTableRow> rows(Database& db, const QVector<qint64>& ids, const QStringList& params);
RunColumnCatalog catalog(Database& db);

/// The SQLite JSON path of a spec address (`model.layers[0].out` -> `$."model"."layers"[0]."out"`);
/// empty when the address cannot be written as one.
QString specJsonPath(const QString& address);

} // namespace runtable

} // namespace trainlab
