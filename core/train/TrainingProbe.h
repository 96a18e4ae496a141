#pragma once

#include "data/TensorDataset.h"
#include "spec/ExperimentSpec.h"
#include "train/Distillation.h"
#include "train/LossFunction.h"

#include <atomic>
#include <memory>
#include <optional>
#include <torch/nn/modules/container/sequential.h>
#include <torch/optim/optimizer.h>
#include <utility>

namespace trainlab {

/// One short stretch of training: at what batch size, with how many loader workers and intra-op
/// threads, for how long.
struct ProbeSetup {
    int batchSize = 64;
    int loaderWorkers = 0;
    int intraOpThreads = 1;
    int warmupSteps = 1;   ///< untimed steps first: allocations, lazy optimizer state, caches
    int minSteps = 2;      ///< timed steps at least...
    double minSeconds = 0; ///< ...and for at least this long
    int maxSteps = 1000;   ///< but no more

    /// A throughput probe: 3 warm-up steps, then at least 3 timed steps and `seconds`.
    static ProbeSetup timed(int batchSize, int loaderWorkers, int intraOpThreads, double seconds) {
        ProbeSetup setup;
        setup.batchSize = batchSize;
        setup.loaderWorkers = loaderWorkers;
        setup.intraOpThreads = intraOpThreads;
        setup.warmupSteps = 3;
        setup.minSteps = 3;
        setup.minSeconds = seconds;
        setup.maxSteps = 1 << 20;
        return setup;
    }
};

/// What a probe measured. A probe that ran out of memory has outOfMemory set and no speed.
struct ProbeMeasurement {
    int steps = 0; ///< timed steps
    double seconds = 0;
    double samplesPerSecond = 0;
    /// The most memory the process held beyond what it held before the first probe (model,
    /// data): the step's activations, gradients and optimizer state. nullopt where it cannot be
    /// measured (a CUDA device, or /proc without VmHWM).
    std::optional<double> peakBytes;
    bool outOfMemory = false;
    QString error; ///< what went wrong, when the probe did not finish
};

/// Trains the spec's model (seeded, as a run builds it) with the spec's optimizer, loss,
/// precision and augmentation, batch after batch from the training split as a run's loader makes
/// them, and times it: the shared engine of the batch-size finder and the thread tuner. Not a
/// run: nothing is stored, there is no evaluation, and the model is thrown away.
class TrainingProbe {
public:
    /// `device` is "cpu" or "cuda:N". Throws InputError when the model does not fit the data.
    /// With training.distill and its `teacher`, each step also runs the teacher, as a run does.
    TrainingProbe(const ExperimentSpec& spec, const DatasetSplits& data, const QString& device,
                  std::shared_ptr<const TeacherModel> teacher = nullptr);
    ~TrainingProbe();
    TrainingProbe(const TrainingProbe&) = delete;
    TrainingProbe& operator=(const TrainingProbe&) = delete;

    /// Runs `setup`; out of memory is reported, not thrown. Stops between steps on `cancel`.
    ProbeMeasurement measure(const ProbeSetup& setup, const std::atomic<bool>* cancel = nullptr);
    /// Samples per second of evaluation (eval mode, no gradients) on the validation split (the
    /// training split when there is none), in batches of `batchSize`, for about `seconds`.
    double evaluationSpeed(int batchSize, double seconds);
    /// Seconds to write a resumable checkpoint (model, optimizer, state) and the model's weights
    /// alone (best.pt), as a run does, to a temporary folder.
    std::pair<double, double> checkpointSeconds();
    int64_t trainingSamples() const;

private:
    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    const QString device_;
    const bool cuda_;
    torch::nn::Sequential model_{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::unique_ptr<LossFunction> loss_;
    std::unique_ptr<Distillation> distill_;
    std::optional<TensorDataset> preparedTrain_;
    std::optional<double> baselineBytes_; ///< resident memory before the first probe
};

} // namespace trainlab
