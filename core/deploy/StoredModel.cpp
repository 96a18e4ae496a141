#include "deploy/StoredModel.h"

#include "train/LossFunction.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"
#include "train/Checkpoint.h"
#include "util/Json.h"

namespace trainlab {

namespace {

InputSchema schemaOf(WorkspaceReader& workspace, const RunRecord& run, const ExperimentSpec& spec) {
    if (const auto stored = workspace.artifact(run.id, QStringLiteral("input_schema")))
        return inputSchemaFromJson(*stored, QStringLiteral("run %1's input schema").arg(run.id));
    const DatasetCache cache;
    return inputSchemaOf(buildDataset(spec.dataset, spec.training.seed, &cache), spec.dataset);
}

QString lastCheckpoint(WorkspaceReader& workspace, const RunRecord& run) {
    QString path;
    for (const CheckpointRecord& c : workspace.checkpoints(run.id)) {
        if (!c.best)
            path = c.path;
    }
    if (path.isEmpty())
        throw InputError(QStringLiteral("run %1 (%2) has no checkpoint: it stopped before it "
                                        "saved one, so there is no trained model to use")
                             .arg(run.id)
                             .arg(runStatusName(run.status)));
    return path;
}

} // namespace

StoredModel loadStoredModel(WorkspaceReader& workspace, qint64 runId) {
    const auto run = workspace.run(runId);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(workspace.path()).arg(runId));
    if (run->spec == QLatin1String("{}"))
        throw InputError(QStringLiteral("run %1 ran an external command; TrainLab holds no model "
                                        "of it")
                             .arg(runId));
    StoredModel model;
    model.run = *run;
    model.spec =
        specFromJson(parseJsonObject(run->spec), QStringLiteral("run %1's spec").arg(runId));
    model.schema = schemaOf(workspace, *run, model.spec);
    model.weightsPath = lastCheckpoint(workspace, *run);
    model.outputs = model.schema.regression ? 1 : model.schema.classNames.size();
    BuiltModel built = buildModel(model.spec.model, model.schema.inputShape, model.outputs);
    loadWeights(model.weightsPath, built.net);
    built.net->eval();
    model.net = built.net;
    model.layers = std::move(built.layers);
    return model;
}

LossSpec resolvedLossOf(const ExperimentSpec& spec, bool regression) {
    return resolvedLoss(spec.training.loss,
                        regression ? TaskKind::Regression : TaskKind::Classification);
}

QString outputActivation(const StoredModel& model) {
    if (model.schema.regression)
        return QStringLiteral("identity");
    return resolvedLossOf(model.spec, false).type == QLatin1String("bce")
               ? QStringLiteral("sigmoid")
               : QStringLiteral("softmax");
}

torch::Tensor outputProbabilities(const StoredModel& model, const torch::Tensor& logits) {
    const QString activation = outputActivation(model);
    if (activation == QLatin1String("softmax"))
        return torch::softmax(logits, 1);
    if (activation == QLatin1String("sigmoid"))
        return torch::sigmoid(logits);
    return logits;
}

} // namespace trainlab
