#include "deploy/RunPrediction.h"

#include "base/Errors.h"
#include "data/PredictionInputs.h"
#include "deploy/StoredModel.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>

namespace trainlab {

namespace {

constexpr int64_t kBatch = 1024;

QJsonArray rowJson(const torch::Tensor& row) {
    QJsonArray array;
    const auto values = row.to(torch::kFloat64).contiguous();
    for (int64_t k = 0; k < values.numel(); ++k)
        array.append(values.data_ptr<double>()[k]);
    return array;
}

} // namespace

QJsonObject predictRun(const QString& databasePath, qint64 runId, const QStringList& inputs) {
    if (inputs.isEmpty())
        throw InputError(QStringLiteral("predict needs input files (images or CSV rows)"));
    WorkspaceReader workspace(databasePath);
    StoredModel model = loadStoredModel(workspace, runId);
    const PredictionInputs read = readPredictionInputs(model.schema, inputs);
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> chunks;
    for (int64_t begin = 0; begin < read.features.size(0); begin += kBatch)
        chunks.push_back(model.net->forward(read.features.slice(0, begin, begin + kBatch)));
    const torch::Tensor logits = torch::cat(chunks).to(torch::kFloat32);
    const torch::Tensor probabilities = outputProbabilities(model, logits);
    QJsonArray predictions;
    for (int64_t i = 0; i < logits.size(0); ++i) {
        QJsonObject prediction{{QStringLiteral("input"), read.names[i]},
                               {QStringLiteral("logits"), rowJson(logits[i])}};
        if (model.schema.regression) {
            prediction.insert(QStringLiteral("value"), logits[i][0].item<double>());
        } else {
            const int64_t best = probabilities[i].argmax().item<int64_t>();
            prediction.insert(QStringLiteral("class"), model.schema.classNames.value(best));
            prediction.insert(QStringLiteral("index"), qint64(best));
            prediction.insert(QStringLiteral("probabilities"), rowJson(probabilities[i]));
        }
        predictions.append(prediction);
    }
    return {{QStringLiteral("run"), runId},
            {QStringLiteral("task"), model.schema.regression ? QStringLiteral("regression")
                                                             : QStringLiteral("classification")},
            {QStringLiteral("classes"), QJsonArray::fromStringList(model.schema.classNames)},
            {QStringLiteral("output_activation"), outputActivation(model)},
            {QStringLiteral("predictions"), predictions}};
}

} // namespace trainlab
