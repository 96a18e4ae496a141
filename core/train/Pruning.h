#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

/// The sparsity `spec` asks for once `epochsDone` of `totalEpochs` epochs are trained: 0 before
/// the first pruning; one-shot jumps to the target after epoch totalEpochs - fine_tune_epochs;
/// gradual rises from start_epoch to that epoch along Zhu & Gupta's cubic curve
/// s * (1 - (1 - k/n)^3), pruning most while the weights still have epochs to adapt.
double scheduledSparsity(const PruningSpec& spec, int epochsDone, int totalEpochs);

/// Magnitude pruning of a model's weight matrices and kernels (parameters of two or more
/// dimensions named weight*): keeps a 0/1 mask per tensor and holds the pruned weights at zero.
class MagnitudePruning {
public:
    MagnitudePruning(torch::nn::Sequential& model, PruningSpec spec);

    /// Zeroes the smallest weights until `sparsity` of them are zero: by one threshold over
    /// every prunable weight (scope global) or tensor by tensor (scope layer). Weights pruned
    /// before stay pruned.
    void pruneTo(double sparsity);
    /// Multiplies each weight by its mask: after every optimizer step, so a step that moved a
    /// pruned weight (momentum, weight decay) does not bring it back.
    void applyMasks();
    /// Rebuilds the masks from the weights' zeros: a resumed run's checkpoint holds the pruned
    /// weights but not their masks.
    void masksFromWeights();

    /// Zero weights over prunable weights, as the model holds them now.
    double sparsity() const;
    /// {"target", "sparsity", "scope", "schedule", "layers": [{"name", "weights", "sparsity"}]}
    QJsonObject report() const;

private:
    struct Target {
        std::string name;
        torch::Tensor weight;
        torch::Tensor mask; ///< empty until the first pruning
    };
    void pruneGlobally(double sparsity);
    void pruneEachTensor(double sparsity);

    PruningSpec spec_;
    std::vector<Target> targets_;
    int64_t total_ = 0;
};

} // namespace trainlab
