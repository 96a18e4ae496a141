#pragma once

#include <QByteArray>
#include <QString>
#include <torch/types.h>

namespace trainlab {

/// Parses an IDX file (the MNIST family's format; plain or gzip) into a tensor of its element
/// type and shape. Throws InputError naming the file and the byte offset at fault: wrong magic,
/// unknown element type, a shape that does not match the data.
torch::Tensor readIdxFile(const QString& path);
torch::Tensor parseIdx(const QByteArray& bytes, const QString& name);

} // namespace trainlab
