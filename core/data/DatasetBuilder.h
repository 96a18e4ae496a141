#pragma once

#include "data/DatasetSpec.h"
#include "data/SourceData.h"
#include "data/TensorDataset.h"

#include <QJsonObject>

namespace trainlab {

class DatasetCache;

/// Reads the source a spec names (through the cache when it has a key). `fromCache` tells
/// whether the cache answered.
SourceData loadSource(const DatasetSpec& spec, const DatasetCache* cache,
                      bool* fromCache = nullptr);

/// Loads or generates the dataset a spec names and splits it into train / validation / test
/// (stratified by class, seeded; the source's own test split when it has one), fills missing
/// table values and computes normalization statistics from the training split only.
/// Throws InputError naming the file or field at fault.
DatasetSplits buildDataset(const DatasetSpec& spec, qint64 trainingSeed,
                           const DatasetCache* cache = nullptr);

/// Splits `data` per class (one stratum for regression) with the given fractions; the same
/// seed gives the same split. Fractions of 0 leave that split empty.
void stratifiedSplit(const TensorDataset& data, TaskKind task, int64_t numClasses,
                     double validationFraction, double testFraction, uint64_t seed,
                     DatasetSplits& out);

/// A seeded stratified subset of at most `limit` samples (all when limit is 0 or larger).
TensorDataset stratifiedSubset(const TensorDataset& data, TaskKind task, int64_t numClasses,
                               int64_t limit, uint64_t seed);

/// Samples per class of one split's targets.
std::vector<int64_t> classHistogram(const TensorDataset& split, int64_t numClasses);

/// Loss weights N / (K * n_k) from the training split's class counts (classes absent from the
/// training split get weight 0).
torch::Tensor inverseFrequencyWeights(const TensorDataset& train, int64_t numClasses);

/// Turns stored samples into model inputs: pixels to [0, 1], then the normalization.
torch::Tensor prepareFeatures(const torch::Tensor& raw, const DatasetSplits& splits);

/// The statistics as JSON for storing with a run: {"mean": [...], "std": [...]}.
QJsonObject normalizationToJson(const Normalization& norm);

/// Fisher-Yates with an explicit engine seed: std::shuffle's algorithm is left to the library,
/// and a seed must give the same order everywhere.
std::vector<int64_t> seededPermutation(int64_t n, uint64_t seed);

} // namespace trainlab
