#pragma once

#include <QString>

class QAbstractItemModel;
class QIODevice;

namespace trainlab {

/// Writes a table model as CSV: its horizontal headers, then its rows' display text. For
/// numbers the full-precision text of Qt::ToolTipRole is taken where a model gives one.
void writeTableCsv(const QAbstractItemModel& model, QIODevice& out);
/// The same into `path`, all or nothing; returns why it failed, or an empty string.
QString saveTableCsv(const QAbstractItemModel& model, const QString& path);

} // namespace trainlab
