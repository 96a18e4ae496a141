#pragma once

#include <QString>
#include <torch/nn/modules/container/sequential.h>
#include <torch/optim/optimizer.h>

namespace trainlab {

/// Where training stands, beyond the model and optimizer: enough to continue as if never
/// stopped.
struct TrainerState {
    int64_t step = 0;
    int epoch = 0;            ///< the epoch to continue in (0-based)
    int64_t batchInEpoch = 0; ///< batches of `epoch` already done
    int64_t accumulated = 0;  ///< micro-batches in the current accumulation window
    double plateauScale = 1.0;
    // Early stopping and plateau trackers: best value, whether one exists, bad evaluations.
    double stopBest = 0;
    bool stopHasBest = false;
    int stopBad = 0;
    double plateauBest = 0;
    bool plateauHasBest = false;
    int plateauBad = 0;
};

/// Saves model, optimizer, trainer state, the default CPU generator's state (dropout) and the
/// spec's hash to `path` (written to a temporary file, then renamed).
void saveCheckpoint(const QString& path, torch::nn::Sequential& model,
                    torch::optim::Optimizer& optimizer, const TrainerState& state,
                    const QString& specHash);

/// Restores what saveCheckpoint wrote. Throws InputError naming the file when it is missing,
/// unreadable, or was written for a different spec.
TrainerState loadCheckpoint(const QString& path, torch::nn::Sequential& model,
                            torch::optim::Optimizer& optimizer, const QString& specHash);

/// Saves the model weights alone (the best checkpoint).
void saveWeights(const QString& path, torch::nn::Sequential& model);

} // namespace trainlab
