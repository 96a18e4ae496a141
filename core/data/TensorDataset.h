#pragma once

#include <QStringList>
#include <torch/types.h>
#include <vector>

namespace trainlab {

/// Samples and targets held in memory: features [N, ...], targets [N] (int64 class indices).
struct TensorDataset {
    torch::Tensor features;
    torch::Tensor targets;

    int64_t size() const { return features.defined() ? features.size(0) : 0; }
    TensorDataset subset(const torch::Tensor& indices) const {
        return {features.index_select(0, indices), targets.index_select(0, indices)};
    }
};

/// Per-feature statistics of the training split, applied to every split.
struct Normalization {
    torch::Tensor mean;
    torch::Tensor std;
    bool enabled() const { return mean.defined(); }
};

/// The three splits a run uses, with what the model builder needs to know about them.
struct DatasetSplits {
    TensorDataset train;
    TensorDataset validation;
    TensorDataset test;
    std::vector<int64_t> sampleShape; ///< one sample, without the batch dimension
    int64_t numClasses = 0;
    QStringList classNames;
    Normalization normalization;
};

} // namespace trainlab
