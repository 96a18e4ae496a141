#pragma once

#include "ModelSummaryModel.h"

#include "data/DatasetShape.h"
#include "model/ModelAnalysis.h"

#include <QJsonArray>
#include <QMap>
#include <optional>
#include <vector>

namespace trainlab {

/// What the model designer shows about a layer list: core's reading of each layer's fields
/// (readLayerSpec) and core's analysis of the model on the dataset's shape (checkModel), turned
/// into summary rows and a problem per top-level layer.
struct ModelDesignSummary {
    std::vector<ModelSummaryModel::Row> rows;
    /// Core's message per top-level layer that does not fit or has bad fields.
    QMap<int, QString> layerProblems;
    /// The analysis, when the dataset's shape is known (and its totals when the model fits).
    std::optional<ModelCheck> check;

    /// The model fits its data: every layer read and the analysis went through.
    bool fits() const { return layerProblems.isEmpty() && check && check->fits(); }
};

/// Summarizes `layers` (the JSON of `model.layers`) for a dataset of `shape` (nullopt: not
/// known yet, so only the fields are checked), with activation memory at `batchSize`.
/// A layer with bad fields is not analyzed, and neither is anything after it: its input would
/// be a guess.
ModelDesignSummary summarizeModelDesign(const QJsonArray& layers,
                                        const std::optional<DatasetShape>& shape, int batchSize);

} // namespace trainlab
