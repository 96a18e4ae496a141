#pragma once

#include "model/ModelSpec.h"
#include "util/JsonObjectReader.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <vector>

namespace trainlab {

enum class LayerParamKind { Invalid, Integer, Number, Boolean, String };

struct LayerParamDef {
    QString name;
    LayerParamKind kind = LayerParamKind::Invalid;
    QJsonValue defaultValue; ///< undefined: the parameter is optional with no value
    JsonObjectReader::Range range;
    QStringList allowed; ///< strings only
    QString help;
};

struct LayerTypeDef {
    QString type;
    QString help;
    std::vector<LayerParamDef> params;
};

/// Every layer type the model builder knows, with its parameters. The spec loader validates
/// layers against it and the GUI's layer editor lists it.
const std::vector<LayerTypeDef>& layerCatalog();
const LayerTypeDef* findLayerType(const QString& type);

/// Validates one layer object at `path` (e.g. `model.layers[3]`) and returns it with defaults
/// filled; problems are appended to `errors`.
LayerSpec readLayerSpec(const QJsonValue& value, const QString& path, QStringList& errors);

/// The preset names the builder can expand.
QStringList modelPresetNames();

/// The layer list a preset stands for. A linear layer without "out" produces the task's output
/// size (the number of classes), so presets fit any dataset.
std::vector<LayerSpec> expandPreset(const QString& preset);

} // namespace trainlab
