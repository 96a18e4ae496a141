#pragma once

#include "data/TensorDataset.h"
#include "session/RunControl.h"
#include "spec/ExperimentSpec.h"
#include "store/RunRecords.h"

#include <functional>
#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

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
};

/// Trains the spec's model on `data` on one device, logging through the callbacks and checking
/// `control` between steps. Input problems (a layer that cannot take its input, a non-finite
/// loss) end the run `failed` with a message; the caller's database is never touched here.
class Trainer {
public:
    Trainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
            TrainerCallbacks callbacks);
    TrainOutcome run();

private:
    struct Evaluation {
        double loss = 0;
        double accuracy = 0;
    };
    Evaluation evaluate(torch::nn::Sequential& model, const TensorDataset& split) const;
    bool waitWhilePaused() const;

    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    RunControl& control_;
    TrainerCallbacks callbacks_;
};

} // namespace trainlab
