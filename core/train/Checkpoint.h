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

/// Whose a checkpoint is: the spec it was trained with, the workspace and the run. A checkpoint
/// is only ever loaded back into the run that wrote it.
struct CheckpointOwner {
    QString specHash;
    QString workspaceId; ///< empty: not checked (a run outside any workspace, e.g. a test)
    qint64 runId = 0;
    /// The ranks the run trains on. Each rank's shard of an epoch depends on it, so a run
    /// continues only on as many as wrote the checkpoint. 0: not checked.
    int worldSize = 0;
};

/// Saves model, optimizer, trainer state, the default CPU generator's state (dropout) and its
/// owner to `path` (written to a temporary file, synced, then renamed over `path`). Throws
/// EnvironmentError naming the file when it cannot be written (a full disk, no permission).
void saveCheckpoint(const QString& path, torch::nn::Sequential& model,
                    torch::optim::Optimizer& optimizer, const TrainerState& state,
                    const CheckpointOwner& owner);

/// Restores what saveCheckpoint wrote. Throws InputError naming the file when it is missing,
/// unreadable, written for a different spec or world size, or belongs to another workspace or
/// run. Checkpoints from before owners were recorded are checked by their spec alone.
TrainerState loadCheckpoint(const QString& path, torch::nn::Sequential& model,
                            torch::optim::Optimizer& optimizer, const CheckpointOwner& owner);

/// The world size a checkpoint was written on; 0 when it does not say (older checkpoints) or
/// cannot be read.
int checkpointWorldSize(const QString& path);
/// Loads the model weights of a file saveCheckpoint or saveWeights wrote into `model`, for
/// inference: nothing else of the checkpoint is restored. Throws InputError naming the file
/// when it is missing, unreadable, or holds another model's weights.
void loadWeights(const QString& path, torch::nn::Sequential& model);

/// Saves the model weights alone (the best checkpoint), as saveCheckpoint writes its file.
void saveWeights(const QString& path, torch::nn::Sequential& model);

} // namespace trainlab
