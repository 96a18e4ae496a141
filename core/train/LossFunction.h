#pragma once

#include "data/TensorDataset.h"
#include "spec/ExperimentSpec.h"
#include "train/EvaluationMetrics.h"

namespace trainlab {

/// The spec's loss with its default filled in: cross_entropy for classification, mse for
/// regression.
LossSpec resolvedLoss(const LossSpec& spec, TaskKind task);

/// The training loss a spec names, checked against the task: cross_entropy (class weights,
/// label smoothing) and bce (one-vs-rest on one-hot targets) for classification; mse, l1 and
/// huber for regression. A loss that does not fit the task is an InputError naming the field.
class LossFunction {
public:
    LossFunction(const LossSpec& spec, TaskKind task, torch::Tensor classWeights = {});
    /// `outputs` [B, K] logits (classification) or [B, 1] values (regression).
    torch::Tensor operator()(const torch::Tensor& outputs, const torch::Tensor& targets) const;
    /// The plain (unweighted, unsmoothed) loss used for evaluation.
    torch::Tensor evaluationLoss(const torch::Tensor& outputs, const torch::Tensor& targets) const;
    /// How a classifier trained with this loss turns its logits into probabilities.
    OutputActivation activation() const {
        return spec_.type == QLatin1String("bce") ? OutputActivation::Sigmoid
                                                  : OutputActivation::Softmax;
    }

private:
    torch::Tensor compute(const torch::Tensor& outputs, const torch::Tensor& targets,
                          bool training) const;

    LossSpec spec_;
    TaskKind task_;
    torch::Tensor classWeights_;
};

} // namespace trainlab
