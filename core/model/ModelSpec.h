#pragma once

#include <QJsonObject>
#include <QString>
#include <vector>

namespace trainlab {

/// One layer: its type and every parameter (defaults filled in by validation).
struct LayerSpec {
    QString type;
    QJsonObject params;
};

struct ModelSpec {
    QString preset;                           ///< mlp, ... ; empty when layers are given
    std::vector<LayerSpec> layers;            ///< empty when a preset is given
    QString init = QStringLiteral("default"); ///< default | kaiming | xavier
};

} // namespace trainlab
