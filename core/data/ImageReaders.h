#pragma once

#include "data/DataPaths.h"
#include "data/DatasetSpec.h"
#include "data/SourceData.h"

namespace trainlab {

/// Fashion-MNIST (60,000 train + 10,000 test 28x28 grayscale) from `dir` (default above).
SourceData readFashionMnist(const QString& dir);

/// An IDX images/labels pair for training and optionally one for testing. Images must be
/// [N, H, W] or [N, C, H, W] unsigned bytes; labels [N] integers.
SourceData readIdxDataset(const IdxPair& train, const IdxPair& test);

/// root/CLASS/*.png|jpg|jpeg|bmp|gif|pgm|ppm: classes are the sorted folder names; every image
/// is decoded with QImage and resized to the spec's size and channels. Strict: a class folder
/// without images, an image name that is not a regular file (a folder, a device, a dangling
/// link), an empty or undecodable file each fail the load with its path; none is skipped.
SourceData readImageFolder(const QString& root, const ImageSpec& spec);

/// One image file (any format QImage decodes: png, pgm, jpg, ...) as [C, H, W] bytes of the
/// spec's channels. With `resize` it is scaled to the spec's size as readImageFolder does;
/// without, an image of another size is an InputError naming the file and both sizes.
torch::Tensor readImageFile(const QString& path, const ImageSpec& spec, bool resize);

/// CIFAR-10 binary batches in `dir`: data_batch_1..5.bin and test_batch.bin, all six required
/// (a missing one is named, with the list of expected files).
SourceData readCifar10(const QString& dir);
/// One CIFAR-10 batch file's bytes: 3073-byte records (label, 32x32 R, G, B planes).
TensorDataset parseCifarBatch(const QByteArray& bytes, const QString& name);

} // namespace trainlab
