#pragma once

#include <QStringList>
#include <torch/types.h>
#include <vector>

namespace trainlab {

enum class TaskKind { Invalid, Classification, Regression };

/// Samples and targets held in memory: features [N, ...] (float32, or uint8 pixels for image
/// sources), targets [N] (int64 class indices, or float32 values for regression).
struct TensorDataset {
    torch::Tensor features;
    torch::Tensor targets;

    int64_t size() const { return features.defined() ? features.size(0) : 0; }
    TensorDataset subset(const torch::Tensor& indices) const {
        return {features.index_select(0, indices), targets.index_select(0, indices)};
    }
};

/// Statistics of the training split, applied to every split: per channel for images ([C,1,1]),
/// per feature for tables ([F]; one-hot columns keep mean 0, std 1).
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
    int64_t numClasses = 0;           ///< 0 for regression
    QStringList classNames;
    TaskKind task = TaskKind::Classification;
    bool images = false; ///< features are uint8 pixels, scaled to [0, 1] when batched
    Normalization normalization;
    QStringList featureNames;
    std::vector<bool> numericFeature; ///< tables: false for a one-hot column
    torch::Tensor fillMean; ///< tables: the training mean per feature, for a missing value
    bool fromCache = false;
};

} // namespace trainlab
