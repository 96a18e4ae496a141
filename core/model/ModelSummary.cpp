#include "model/ModelSummary.h"

#include "model/ModelAnalysis.h"

#include <QJsonArray>

namespace trainlab {

namespace {

QJsonArray shapeJson(const std::vector<int64_t>& shape) {
    QJsonArray array;
    for (int64_t d : shape)
        array.append(qint64(d));
    return array;
}

} // namespace

QJsonObject modelSummaryJson(const ModelSpec& model, const std::vector<int64_t>& inputShape,
                             int64_t outputSize, int batchSize) {
    const ModelAnalysis built = analyzeModel(model, inputShape, outputSize);
    constexpr int64_t kFloatBytes = 4;
    QJsonArray layers;
    for (const LayerShape& row : built.layers)
        layers.append(QJsonObject{
            {QStringLiteral("path"), row.path},
            {QStringLiteral("type"), row.type},
            {QStringLiteral("depth"), row.depth},
            {QStringLiteral("output_shape"), shapeJson(row.outputShape)},
            {QStringLiteral("parameters"), qint64(row.parameters)},
            {QStringLiteral("flops"), row.flops},
            {QStringLiteral("activation_bytes"),
             qint64(row.activationElements * kFloatBytes * batchSize)},
        });
    return {
        {QStringLiteral("input_shape"), shapeJson(inputShape)},
        {QStringLiteral("outputs"), qint64(outputSize)},
        {QStringLiteral("batch_size"), batchSize},
        {QStringLiteral("layers"), layers},
        {QStringLiteral("parameters"), qint64(built.parameters)},
        {QStringLiteral("flops_per_sample"), built.flops},
        // Forward activations kept for the backward pass, at fp32.
        {QStringLiteral("activation_bytes"),
         qint64(built.activationElements * kFloatBytes * batchSize)},
        {QStringLiteral("size_bytes"),
         QJsonObject{{QStringLiteral("fp32"), qint64(built.parameters * 4)},
                     {QStringLiteral("bf16"), qint64(built.parameters * 2)},
                     {QStringLiteral("fp16"), qint64(built.parameters * 2)}}},
    };
}

} // namespace trainlab
