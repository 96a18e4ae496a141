#pragma once

#include "train/EvaluationMetrics.h"

#include <QJsonObject>
#include <QStringList>
#include <torch/types.h>

namespace trainlab {

/// Images wider or taller than this are scaled down (aspect kept) before they are stored.
constexpr int kMisclassifiedImageSide = 64;

/// The artifact "misclassified": up to `limit` test examples the model got wrong, the most
/// confident mistakes first. Each has its index in the test split, true and predicted class
/// (index and name), the probability of each, and the image as base64 PNG, so the example shows
/// without the dataset files. `outputs` [N, K] logits, `targets` [N], `pixels` the test split's
/// stored uint8 images [N, C, H, W] (C 1 or 3; other layouts are stored without images).
/// "count" is every mistake, "shown" the examples kept.
QJsonObject misclassifiedJson(const torch::Tensor& outputs, const torch::Tensor& targets,
                              const torch::Tensor& pixels, OutputActivation activation,
                              const QStringList& classNames, int limit = 64);

} // namespace trainlab
