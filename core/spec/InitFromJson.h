#pragma once

#include "spec/ExperimentSpec.h"
#include "util/JsonObjectReader.h"

#include <QJsonObject>

namespace trainlab {

/// Reads `training.init_from` (transfer learning) into `from`, reporting every problem through
/// the reader: a checkpoint other than best or last, a freeze entry that is not model.layers[N],
/// run and path both given, freezing without a source, freeze and train_last both given.
void readInitFrom(JsonObjectReader reader, InitFromSpec& from);

/// `training.init_from` as specToJson writes it (only for an enabled one).
QJsonObject initFromToJson(const InitFromSpec& from);

} // namespace trainlab
