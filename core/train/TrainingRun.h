#pragma once

#include "base/Errors.h"
#include "data/DataLoader.h"
#include "train/Checkpoint.h"
#include "train/Distillation.h"
#include "train/EarlyStopping.h"
#include "train/GradScaler.h"
#include "train/LossFunction.h"
#include "train/Pruning.h"
#include "train/Trainer.h"
#include "train/WindowStats.h"

#include <chrono>
#include <memory>
#include <optional>

namespace trainlab {

/// The state and steps of one Trainer::run: set-up, the epoch loop, evaluation, checkpoints.
/// Kept apart from Trainer so the public header stays small.
class TrainingRun {
public:
    TrainingRun(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                const TrainerCallbacks& callbacks, const TrainerOptions& options);
    TrainOutcome execute();

private:
    using Clock = std::chrono::steady_clock;

    /// Runs the batches of one epoch; false when the run must stop (cancel or budget).
    bool trainEpoch(int epoch, int64_t firstBatch, int64_t accumulatedAtStart);
    /// Forward and backward on one micro-batch, its loss weighted by 1/`windowSize` (the
    /// micro-batches of its optimizer step); adds it to the logging window.
    void forwardBackward(const Batch& batch, int epoch, int64_t windowSize);
    /// One optimizer step from the accumulated gradients: gradient sync, unscale, clip, step,
    /// log. False when a budget (steps, wall time) is reached.
    bool optimizerStep(int epoch, int64_t batch);
    /// Every defined gradient of the model, in parameter order.
    std::vector<torch::Tensor> gradients() const;
    /// Logs the window's metrics; throws when its loss turned out not finite.
    void logWindow(int epoch, double fractionalEpoch);
    RunError divergedError(double loss, const QString& when, int epoch) const;
    /// Validation, early stopping, the plateau schedule and the best checkpoint.
    bool endEpoch(int epoch);
    /// Prunes further when the schedule says so after `epoch`; logs the sparsity reached.
    void pruneAfterEpoch(int epoch);
    void reportTest();
    void saveLast(int epoch, int64_t batchInEpoch, int64_t accumulated);
    double currentLr(int epoch) const;
    /// training.init_from: loads the matching weights (unless resuming) and freezes layers.
    void startFromOtherWeights();
    /// training.distill: the teacher, built and checked against this run's data.
    void startDistillation();
    /// Holds the run while paused (after a checkpoint at batch `batchInEpoch` of `epoch`);
    /// false when it was cancelled meanwhile.
    bool waitWhilePaused(int epoch, int64_t batchInEpoch, int64_t accumulated);

    const ExperimentSpec& spec_;
    const TrainingSpec& t_;
    const DatasetSplits& data_;
    RunControl& control_;
    const TrainerCallbacks& callbacks_;
    const TrainerOptions& options_;
    const torch::Device device_;
    const bool classification_;

    torch::nn::Sequential model_{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::unique_ptr<LossFunction> loss_;
    std::optional<TensorDataset> preparedTrain_; ///< the loader reads it: declared before
    std::unique_ptr<DataLoader> loader_;
    std::unique_ptr<GradScaler> scaler_;        ///< fp16 only
    std::unique_ptr<MagnitudePruning> pruning_; ///< training.pruning only
    std::unique_ptr<Distillation> distill_;     ///< training.distill only
    EarlyStopping earlyStopping_;
    EarlyStopping plateau_;
    EarlyStopping bestTracker_;

    Clock::time_point started_ = Clock::now();
    int64_t batchesPerEpoch_ = 0;
    int64_t totalSteps_ = 0;
    int64_t step_ = 0;
    int64_t lastSavedStep_ = -1; ///< the step of the newest last-*.pt
    double plateauScale_ = 1.0;
    TrainOutcome outcome_;

    WindowStats windowStats_;
    struct Window {
        int64_t steps = 0;
        double waitSeconds = 0;
        Clock::time_point start = Clock::now();
    } window_;
};

} // namespace trainlab
