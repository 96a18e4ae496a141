#pragma once

#include <QByteArray>
#include <QString>
#include <torch/types.h>

namespace trainlab {

/// Parses an IDX file (the MNIST family's format; plain or gzip) into a tensor of its element
/// type and shape. Throws InputError naming the file and the byte offset at fault: wrong magic,
/// unknown element type, a shape that does not match the data or that no file could hold.
/// A gzip file is inflated no further than the size its header declares (itself at most
/// kMaxDataFileBytes and what the compressed size can inflate to), so a decompression bomb
/// costs no more memory than an honest file of the same shape.
torch::Tensor readIdxFile(const QString& path);
/// Parses IDX bytes already in memory (not compressed); `name` is used in messages.
torch::Tensor parseIdx(const QByteArray& bytes, const QString& name);

} // namespace trainlab
