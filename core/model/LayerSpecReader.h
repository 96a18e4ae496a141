#pragma once

#include "model/ModelSpec.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace trainlab {

/// Validates one layer object at `path` (e.g. `model.layers[3]`) against its type in the layer
/// registry and returns it with defaults filled; problems are appended to `errors`.
LayerSpec readLayerSpec(const QJsonValue& value, const QString& path, QStringList& errors);

} // namespace trainlab
