#pragma once

#include "SweepParamsModel.h"

#include <QJsonObject>
#include <QList>

namespace trainlab {

/// A spec field a sweep can vary, as the Sweep page offers it.
struct SweepFieldOption {
    QString path;    ///< "training.optimizer.lr", "model.layers[0].out"
    QString tooltip; ///< what it is
};

/// The numeric and choice fields of `spec` a sweep can vary: the training fields that apply to
/// its optimizer, schedule and loss; each field of each layer it lists (from core's layer
/// registry); the numbers and switches its dataset block holds.
QList<SweepFieldOption> sweepFieldOptions(const QJsonObject& spec);

/// The row a sweep parameter on `path` starts as: choices for a choice or a switch, an integer
/// range for a count, a log range for a rate, a range around the spec's value otherwise,
/// inside the field's limits.
SweepParamRow defaultSweepParam(const QJsonObject& spec, const QString& path);

} // namespace trainlab
