#pragma once

#include <QByteArray>
#include <QString>

namespace trainlab {

/// The most bytes a data file may hold once inflated (2 GiB). Real datasets read whole into
/// memory are far smaller (Fashion-MNIST 47 MB, CIFAR-10 184 MB); the cap turns a gzip bomb or a
/// runaway file into a clear error instead of an allocation failure that names no file.
inline constexpr qsizetype kMaxDataFileBytes = qsizetype(2) << 30;

/// Deflate cannot inflate one byte to more than 1032 (RFC 1951's longest match per code);
/// a header that declares more than this times the compressed size is lying.
inline constexpr qsizetype kMaxDeflateRatio = 1032;

/// Reads a regular file's bytes as stored, at most `maxBytes`. Throws InputError naming the
/// file and what is wrong: no such file, a dangling link, a directory, a device, a FIFO or a
/// socket, permission denied, or more than `maxBytes` (checked while reading, so a growing or
/// endless file stops at the cap). `what` names the expected content in messages ("spec").
QByteArray readRegularFile(const QString& path, qsizetype maxBytes, const QString& what = {});

/// Why `path` cannot be read as a regular file ("is a directory", "no such file", ...), or an
/// empty string when it can be opened as one.
QString regularFileProblem(const QString& path);

/// Why `path` cannot be listed as a folder ("is a regular file, not a folder", ...), or an
/// empty string when it is a readable folder.
QString folderProblem(const QString& path);

/// True when `bytes` starts with gzip's magic bytes.
bool isGzip(const QByteArray& bytes);

/// Reads a whole file, transparently inflating gzip (by its magic bytes, not its name), to at
/// most `maxBytes`. Throws InputError naming the file: see readRegularFile, plus truncated or
/// corrupt compressed data (with the compressed byte offset where inflation failed) and data
/// that inflates to more than `maxBytes` (stopped as soon as the output passes the cap).
QByteArray readFileBytes(const QString& path, qsizetype maxBytes = kMaxDataFileBytes);

/// Inflates gzip data held in memory (concatenated members included) to at most `maxBytes`;
/// `name` is used in error messages.
QByteArray gunzip(const QByteArray& compressed, const QString& name,
                  qsizetype maxBytes = kMaxDataFileBytes);

/// Inflates only the first `bytes` bytes (fewer if the data ends first), for reading a header
/// before deciding how much the whole file may inflate to.
QByteArray gunzipPrefix(const QByteArray& compressed, const QString& name, qsizetype bytes);

/// "2 GiB", "16 MiB", "517 bytes": a byte count for messages.
QString formatBytes(qint64 bytes);

} // namespace trainlab
