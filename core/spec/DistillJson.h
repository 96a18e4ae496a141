#pragma once

#include "spec/ExperimentSpec.h"
#include "util/JsonObjectReader.h"

#include <QJsonObject>

namespace trainlab {

/// Reads `training.distill` into `distill`, reporting every problem through the reader: a
/// temperature that is not positive, a weight outside [0, 1], settings without a teacher.
void readDistill(JsonObjectReader reader, DistillSpec& distill);

/// `training.distill` as specToJson writes it (only for an enabled one).
QJsonObject distillToJson(const DistillSpec& distill);

} // namespace trainlab
