#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>

namespace trainlab {

/// The model summary (see modelSummaryJson) of a spec's model on the spec's own dataset: the
/// dataset is opened to learn the sample shape and the number of outputs.
QJsonObject specModelSummaryJson(const ExperimentSpec& spec);

} // namespace trainlab
