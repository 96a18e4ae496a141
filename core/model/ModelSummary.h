#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>

namespace trainlab {

/// The model summary of `trainlab-cli model summary SPEC --json`: per layer its path, type,
/// output shape, parameters, forward FLOPs and activation memory at the spec's batch size; and
/// for the whole model the parameters, FLOPs per sample, activation memory per batch and the
/// parameter size per precision. Input shapes come from the spec's dataset.
QJsonObject modelSummaryJson(const ExperimentSpec& spec);

/// The same for a known sample shape and output size, without reading the dataset.
QJsonObject modelSummaryJson(const ModelSpec& model, const std::vector<int64_t>& inputShape,
                             int64_t outputSize, int batchSize);

} // namespace trainlab
