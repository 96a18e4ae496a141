#include "ModelDesignSummary.h"

#include "model/LayerSpecReader.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

namespace trainlab {

namespace {

const QString kModelPath = QStringLiteral("model");

// The top-level layer a path names (`model.layers[3].layers[1]` -> 3), or -1.
int topLevelRow(const QString& path) {
    static const QRegularExpression pattern(QStringLiteral(R"(^model\.layers\[(\d+)\])"));
    const QRegularExpressionMatch match = pattern.match(path);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

// The row failed, or holds the nested layer that did: its numbers were never worked out.
bool onFailedPath(const ModelCheck& check, const QString& path) {
    return !check.fits() &&
           (check.errorPath == path || check.errorPath.startsWith(path + QLatin1Char('.')));
}

} // namespace

ModelDesignSummary summarizeModelDesign(const QJsonArray& layers,
                                        const std::optional<DatasetShape>& shape, int batchSize) {
    ModelDesignSummary summary;
    const int count = int(layers.size());
    std::vector<LayerSpec> specs;
    int firstInvalid = count;
    for (int i = 0; i < count; ++i) {
        QStringList errors;
        specs.push_back(
            readLayerSpec(layers.at(i), QStringLiteral("model.layers[%1]").arg(i), errors));
        if (!errors.isEmpty()) {
            summary.layerProblems.insert(i, errors.join(QLatin1Char('\n')));
            firstInvalid = std::min(firstInvalid, i);
        }
    }

    int reached = 0; // top-level layers with rows from the analysis
    if (shape) {
        ModelSpec model;
        model.layers.assign(specs.begin(), specs.begin() + firstInvalid);
        const ModelCheck& check =
            summary.check.emplace(checkModel(model, shape->sampleShape, shape->outputs));
        // A list cut short at a bad layer cannot end in the task's output: that is not news.
        const bool modelWide = check.errorPath == kModelPath;
        const bool cutShort = firstInvalid < count;
        if (!check.fits() && !(modelWide && cutShort)) {
            // The whole model missing the task's output is fixed at its last layer.
            const int row = modelWide ? count - 1 : topLevelRow(check.errorPath);
            if (row >= 0)
                summary.layerProblems.insert(row, check.error);
        }
        for (const LayerShape& layer : check.analysis.layers) {
            ModelSummaryModel::Row row;
            row.path = layer.path;
            row.type = layer.type;
            row.depth = layer.depth;
            row.analyzed = !onFailedPath(check, layer.path);
            row.output = shapeText(layer.outputShape);
            row.parameters = layer.parameters;
            row.flops = layer.flops;
            row.activationBytes = layer.activationElements * qint64(sizeof(float)) * batchSize;
            if (layer.path == check.errorPath ||
                (modelWide && !cutShort && layer.depth == 0 &&
                 layer.path == QStringLiteral("model.layers[%1]").arg(count - 1)))
                row.problem = check.error;
            if (layer.depth == 0)
                ++reached;
            summary.rows.push_back(row);
        }
    }
    // The layers the analysis did not reach: their type, and their own problem if any.
    for (int i = reached; i < count; ++i) {
        ModelSummaryModel::Row row;
        row.path = QStringLiteral("model.layers[%1]").arg(i);
        row.type = layers.at(i).toObject().value(QStringLiteral("type")).toString();
        row.problem = summary.layerProblems.value(i);
        summary.rows.push_back(row);
    }
    return summary;
}

} // namespace trainlab
