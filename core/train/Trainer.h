#pragma once

#include "base/RunControl.h"
#include "base/RunStatus.h"
#include "data/TensorDataset.h"
#include "spec/ExperimentSpec.h"
#include "train/Checkpoint.h"
#include "train/EvaluationMetrics.h"

#include <QJsonObject>
#include <QMap>
#include <functional>
#include <memory>
#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

class LossFunction;
struct TeacherModel;

struct TrainerCallbacks {
    /// A scalar metric at an optimizer step (epoch is fractional).
    std::function<void(int64_t step, double epoch, const QString& name, double value)> metric;
    /// A log window's metrics were logged (every `log_every_steps` and at each epoch's end):
    /// the moment to log what is measured outside the trainer (the energy series).
    std::function<void(int64_t step, double epoch)> windowLogged;
    /// A human-readable progress line.
    std::function<void(const QString& line)> message;
    /// A structured result (confusion_matrix, roc, classification_report).
    std::function<void(const QString& kind, const QJsonObject& payload)> artifact;
    /// A checkpoint written: `best` for the best weights by `metric`, else the resumable last.
    std::function<void(int64_t step, double epoch, const QString& path, bool best,
                       const QString& metric, double value)>
        checkpoint;
    /// Training is about to start: the optimizer steps it plans in all.
    std::function<void(int64_t totalSteps)> planned;
    /// The run held still (true, after a checkpoint of where it stands) or went on (false).
    std::function<void(bool paused)> pauseChanged;
};

/// Where a run trains, where its checkpoints go and where it resumes from.
struct TrainerOptions {
    QString device = QStringLiteral("cpu"); ///< "cpu" or "cuda:N"
    /// The CPU threads the run may use in all: loader workers and intra-op threads share them
    /// (0: every core). `training.threads` in the spec, when set, is the scheduler's grant.
    int cpuThreads = 0;
    QString checkpointDirectory; ///< empty: no checkpoints
    QString resumeFrom;          ///< a `last` checkpoint to continue from; empty: start fresh
    /// training.init_from.run resolved to its checkpoint file, and how to name it ("run 12
    /// (best)"); empty: training.init_from.path, as the spec gives it.
    QString initFromPath;
    QString initFromSource;
    /// training.distill.teacher resolved by the workspace; null without distillation.
    std::shared_ptr<const TeacherModel> teacher;
    CheckpointOwner owner; ///< guards against resuming another spec's, workspace's or run's
    /// A data-parallel run's replicas average their gradients here (see GradientSync.h);
    /// null for a run on one device. Not owned.
    class GradientSync* gradientSync = nullptr;
    /// This replica's shard of the training data: rank `rank` of `worldSize` (see DataLoader).
    int rank = 0;
    int worldSize = 1;
};

struct TrainOutcome {
    RunStatus status = RunStatus::Invalid;
    QString error;
    int64_t steps = 0;
    int epochsDone = 0;
    double seconds = 0;
    double dataWaitSeconds = 0; ///< time the training loop waited for batches
};

/// One evaluation pass: the mean loss and every output, for the metrics.
struct Evaluation {
    double loss = 0;
    torch::Tensor outputs; ///< [N, K] logits or [N, 1] values
    torch::Tensor targets;
    OutputActivation activation = OutputActivation::Softmax; ///< the loss's (see LossFunction)
};

/// Trains the spec's model on `data` on one device, logging through the callbacks and checking
/// `control` between steps. Input problems (a layer that cannot take its input, a loss that
/// does not fit the task, a non-finite loss) throw InputError; the caller stores the failure.
class Trainer {
public:
    Trainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
            TrainerCallbacks callbacks, TrainerOptions options = {});
    TrainOutcome run();

    /// Evaluates `model` on a split in batches, without gradients and in eval mode, on the
    /// model's device; outputs come back to the CPU.
    static Evaluation evaluate(torch::nn::Sequential& model, const LossFunction& loss,
                               const DatasetSplits& data, const TensorDataset& split,
                               const torch::Device& device = torch::kCPU);
    /// The scalar metrics of an evaluation, named with `prefix` (val_, test_): loss and
    /// accuracy, top-5 accuracy, macro F1 and macro ROC-AUC; or loss (MSE), MAE and R^2.
    static QMap<QString, double> scalarMetrics(const Evaluation& evaluation,
                                               const DatasetSplits& data, const QString& prefix);
    /// The names scalarMetrics gives for a task, without prefix.
    static QStringList metricNames(TaskKind task, int64_t numClasses);

private:
    const ExperimentSpec& spec_;
    const DatasetSplits& data_;
    RunControl& control_;
    TrainerCallbacks callbacks_;
    TrainerOptions options_;
};

} // namespace trainlab
