#pragma once

#include "data/DatasetSpec.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace trainlab {

/// What a model on a dataset receives and must produce: the input of the model summary.
struct DatasetShape {
    std::vector<int64_t> sampleShape; ///< one sample, without the batch dimension
    int64_t outputs = 0;              ///< the number of classes, or 1 for regression
};

/// The shape a dataset block implies without reading a file: synthetic sets ([2] for spirals
/// and moons, [features] for blobs and regression), Fashion-MNIST ([1, 28, 28], 10 classes) and
/// CIFAR-10 ([3, 32, 32], 10 classes). nullopt for sources whose shape or classes live in their
/// files (idx, csv, image_folder): ask datasetShape, which reads them.
std::optional<DatasetShape> datasetShapeFromSpec(const DatasetSpec& spec);

/// The shape a run on the dataset sees: from the block alone when it says (above), else by
/// loading the source through the dataset cache. Throws InputError naming the file at fault.
DatasetShape datasetShape(const DatasetSpec& spec, qint64 trainingSeed);

} // namespace trainlab
