#pragma once

#include "data/TensorDataset.h"

#include <QStringList>
#include <optional>

namespace trainlab {

/// What a reader produces before splitting: the samples, the source's own test split if it
/// has one, and what the features and targets mean.
struct SourceData {
    TensorDataset train;
    std::optional<TensorDataset> test;
    QStringList classNames; ///< empty for regression
    TaskKind task = TaskKind::Classification;
    bool images = false; ///< features are [N, C, H, W] uint8 pixels
    QStringList featureNames;
    std::vector<bool> numericFeature; ///< per feature column; false: one-hot, not standardized
};

} // namespace trainlab
