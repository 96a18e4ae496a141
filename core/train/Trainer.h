#pragma once

#include "data/TensorDataset.h"
#include "session/RunControl.h"
#include "spec/ExperimentSpec.h"
#include "store/RunRecords.h"

#include <functional>
#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

class LossFunction;

struct TrainerCallbacks {
    /// A scalar metric at an optimizer step (epoch is fractional).
    std::function<void(int64_t step, double epoch, const QString& name, double value)> metric;
    /// A human-readable progress line.
    std::function<void(const QString& line)> message;
};

struct TrainOutcome {
    RunStatus status = RunStatus::Invalid;
    QString error;
    int64_t steps = 0;
    int epochsDone = 0;
    double seconds = 0;
    double dataWaitSeconds = 0; ///< time the training loop waited for batches
};

/// The scores of one evaluation pass.
struct Evaluation {
    double loss = 0;
    double accuracy = 0; ///< classification
    double mae = 0;      ///< regression
};

/// Trains the spec's model on `data` on one device, logging through the callbacks and checking
/// `control` between steps. Input problems (a layer that cannot take its input, a loss that
/// does not fit the task, a non-finite loss) throw InputError; the caller stores the failure.
class Trainer {
public:
    Trainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
            TrainerCallbacks callbacks);
    TrainOutcome run();

    /// Evaluates `model` on a split in batches, without gradients and in eval mode.
    static Evaluation evaluate(torch::nn::Sequential& model, const LossFunction& loss,
                               const DatasetSplits& data, const TensorDataset& split);

private:
    bool waitWhilePaused() const;

    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    RunControl& control_;
    TrainerCallbacks callbacks_;
};

} // namespace trainlab
