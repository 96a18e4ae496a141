#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <QStringList>
#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

/// What transfer learning did to a model: the tensors it loaded, those it left freshly
/// initialized (their shape differs: a head for another class count; or the checkpoint lacks
/// them), and the layers it froze.
struct TransferReport {
    QString source;          ///< "run 12 (best)" or the checkpoint's path
    int loaded = 0;          ///< parameters and buffers loaded
    QStringList replaced;    ///< "6.weight [10, 128] -> [3, 128]": kept as initialized
    QStringList missing;     ///< in the model, not in the checkpoint
    QList<int> frozenLayers; ///< model.layers[i]
    int64_t frozenParameters = 0;
    int64_t trainableParameters = 0;

    QJsonObject toJson() const;
    QString summary() const;
};

/// Copies into `model` every parameter and buffer of the checkpoint at `path` (a run's best.pt
/// or last-*.pt) whose name and shape match; the rest keep their values. Throws InputError
/// naming the file when it cannot be read, or when nothing in it fits the model.
TransferReport loadMatchingWeights(const QString& path, torch::nn::Sequential& model);

/// Stops the gradients of the layers `spec` freezes (its list, or all with parameters but the
/// last train_last) and counts the parameters frozen and trainable into `report`. Throws
/// InputError naming training.init_from when a layer is not in the model or has no parameters,
/// or when nothing would be left to train.
void freezeLayers(torch::nn::Sequential& model, const InitFromSpec& spec, TransferReport& report);

/// The parameters an optimizer should update: those not frozen.
std::vector<torch::Tensor> trainableParameters(const torch::nn::Sequential& model);

} // namespace trainlab
