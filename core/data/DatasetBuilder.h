#pragma once

#include "data/TensorDataset.h"
#include "spec/ExperimentSpec.h"

#include <QJsonObject>

namespace trainlab {

/// Loads or generates the dataset a spec names and splits it into train / validation / test
/// (stratified by class, seeded), normalizing with statistics of the training split only.
/// Throws InputError naming the file or field at fault.
DatasetSplits buildDataset(const DatasetSpec& spec, qint64 trainingSeed);

/// Splits `data` per class with the given fractions; the same seed gives the same split.
void stratifiedSplit(const TensorDataset& data, int64_t numClasses, double validationFraction,
                     double testFraction, uint64_t seed, DatasetSplits& out);

/// Per-feature mean and standard deviation over the first dimension.
Normalization computeNormalization(const torch::Tensor& features);
torch::Tensor applyNormalization(const torch::Tensor& features, const Normalization& norm);

/// The statistics as JSON for storing with a run: {"mean": [...], "std": [...]}.
QJsonObject normalizationToJson(const Normalization& norm);

} // namespace trainlab
