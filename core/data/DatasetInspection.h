#pragma once

#include "data/DatasetSpec.h"

#include <QJsonObject>

namespace trainlab {

/// What `trainlab-cli data inspect` and the Dataset page show: the task, counts per split, the
/// classes and their histogram per split, the sample shape, the feature names (tables), the
/// normalization statistics, and whether the cache answered. Throws InputError on bad input.
QJsonObject inspectDataset(const DatasetSpec& spec, qint64 trainingSeed);

} // namespace trainlab
