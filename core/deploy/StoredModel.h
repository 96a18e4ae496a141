#pragma once

#include "data/InputSchema.h"
#include "model/ModelAnalysis.h"
#include "spec/ExperimentSpec.h"
#include "store/RunRecords.h"

#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

class WorkspaceReader;

/// A stored run's trained model, rebuilt for inference: its spec, what its inputs are, and the
/// network with the weights of its last checkpoint (the weights its test metrics were
/// measured on), in eval mode on the CPU.
struct StoredModel {
    RunRecord run;
    ExperimentSpec spec;
    InputSchema schema;
    torch::nn::Sequential net{nullptr};
    std::vector<LayerShape> layers; ///< the analysis rows, depth-first
    int64_t outputs = 0;
    QString weightsPath;
};

/// Loads run `runId` of `workspace`. Throws InputError saying why it cannot: no such run, a
/// run of an external command, a run without a checkpoint yet, a checkpoint that is gone.
/// Runs stored before their input schema was kept get it from their dataset, rebuilt.
StoredModel loadStoredModel(WorkspaceReader& workspace, qint64 runId);

/// The loss a spec trains with, the task's default when it names none.
LossSpec resolvedLossOf(const ExperimentSpec& spec, bool regression);

/// How the model's outputs read as probabilities: "softmax" (cross_entropy), "sigmoid" (bce,
/// one-vs-rest) or "identity" (regression values).
QString outputActivation(const StoredModel& model);

/// `logits` [N, K] as outputActivation says.
torch::Tensor outputProbabilities(const StoredModel& model, const torch::Tensor& logits);

} // namespace trainlab
