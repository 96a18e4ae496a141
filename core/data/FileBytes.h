#pragma once

#include <QByteArray>
#include <QString>

namespace trainlab {

/// Reads a whole file, transparently inflating gzip (by its magic bytes, not its name).
/// Throws InputError naming the file: missing, unreadable, truncated or corrupt compressed data
/// (with the compressed byte offset where inflation failed).
QByteArray readFileBytes(const QString& path);

/// Inflates gzip data held in memory; `name` is used in error messages.
QByteArray gunzip(const QByteArray& compressed, const QString& name);

} // namespace trainlab
