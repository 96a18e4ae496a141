#pragma once

#include "model/ModelSpec.h"

#include <QJsonObject>

namespace trainlab {

/// The model summary of `trainlab-cli model summary SPEC --json` for a known sample shape and
/// output size: per layer its path, type, output shape, parameters, forward FLOPs and
/// activation memory at `batchSize`; and for the whole model the parameters, FLOPs per sample,
/// activation memory per batch and the parameter size per precision. Worked out from the layer
/// registry alone: nothing is built or allocated.
QJsonObject modelSummaryJson(const ModelSpec& model, const std::vector<int64_t>& inputShape,
                             int64_t outputSize, int batchSize);

} // namespace trainlab
