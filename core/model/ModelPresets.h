#pragma once

#include "model/ModelSpec.h"

#include <QStringList>
#include <vector>

namespace trainlab {

/// The preset names the builder can expand.
QStringList modelPresetNames();

/// The layer list a preset stands for. A linear layer without "out" produces the task's output
/// size (the number of classes), so presets fit any dataset.
std::vector<LayerSpec> expandPreset(const QString& preset);

} // namespace trainlab
