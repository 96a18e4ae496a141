#pragma once

#include "data/DatasetSpec.h"
#include "data/SourceData.h"
#include "data/TensorDataset.h"

#include <QJsonObject>
#include <optional>

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

/// Turns stored samples into model inputs: for images, each pixel times a per-channel scale
/// plus a shift (x / 255, then the normalization's (x - mean) / std, folded into one multiply and
/// one add); other features pass unchanged. Built once per dataset, used for every batch.
class InputPreparation {
public:
    explicit InputPreparation(const DatasetSplits& splits);
    /// The inputs of a batch of stored samples, by tensor ops (evaluation, previews).
    torch::Tensor operator()(const torch::Tensor& raw) const;
    /// The inputs of the rows `rows` of `features`, the same values bit for bit, in one pass over
    /// the stored pixels: the loader's per-batch path, where a chain of small tensor ops costs
    /// more than the arithmetic.
    torch::Tensor rows(const torch::Tensor& features, at::IntArrayRef rows) const;

private:
    bool fitsChannels(const torch::Tensor& features) const;
    friend std::optional<TensorDataset> preparedInMemory(const TensorDataset&,
                                                         const InputPreparation&, int64_t);

    bool images_;
    std::vector<float> scale_; ///< per channel, or one for all
    std::vector<float> shift_;
};

/// `split` with its features already turned into model inputs, when that float copy fits in
/// `budgetBytes`: batches are then plain row copies, with no per-batch conversion. nullopt when
/// it does not fit or there is nothing to convert (batches are prepared one at a time).
std::optional<TensorDataset> preparedInMemory(const TensorDataset& split,
                                              const InputPreparation& prepare, int64_t budgetBytes);

/// InputPreparation(splits)(raw), for a one-off batch.
torch::Tensor prepareFeatures(const torch::Tensor& raw, const DatasetSplits& splits);

/// The rows `rows` of `t` (along its first dimension), as a new tensor.
torch::Tensor selectRows(const torch::Tensor& t, at::IntArrayRef rows);

/// The statistics as JSON for storing with a run: {"mean": [...], "std": [...]}.
QJsonObject normalizationToJson(const Normalization& norm);

/// Fisher-Yates with an explicit engine seed: std::shuffle's algorithm is left to the library,
/// and a seed must give the same order everywhere.
std::vector<int64_t> seededPermutation(int64_t n, uint64_t seed);

} // namespace trainlab
