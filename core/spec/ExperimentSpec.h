#pragma once

#include "data/DatasetSpec.h"
#include "model/ModelSpec.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace trainlab {

/// Current version of the spec format, the value of the top-level "trainlab" key.
inline constexpr int kSpecVersion = 1;

struct OptimizerSpec {
    QString type = QStringLiteral("adamw"); ///< sgd | adam | adamw | rmsprop | adagrad
    double lr = 1e-3;
    double weightDecay = 0.0;
    double momentum = 0.9; ///< sgd, rmsprop
    bool nesterov = false; ///< sgd
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
};

struct ScheduleSpec {
    /// constant | cosine | step | multistep | exponential | one_cycle | reduce_on_plateau
    QString type = QStringLiteral("constant");
    int warmupSteps = 0;
    double minLr = 0.0;    ///< cosine floor
    int stepEpochs = 10;   ///< step: decay every N epochs
    QList<int> milestones; ///< multistep: decay at these epochs
    double gamma = 0.1;    ///< step, multistep, exponential (per epoch), reduce_on_plateau factor
    double pctStart = 0.3; ///< one_cycle: share of steps spent rising
    double divFactor = 25; ///< one_cycle: start at lr / div_factor
    double finalDivFactor = 1e4; ///< one_cycle: end at lr / (div_factor * final_div_factor)
    int patience = 2;            ///< reduce_on_plateau: epochs without improvement
    QString metric = QStringLiteral("val_loss"); ///< reduce_on_plateau: the metric watched
};

struct LossSpec {
    /// cross_entropy | bce (classification); mse | l1 | huber (regression). Default: by task.
    QString type;
    double labelSmoothing = 0.0;
};

struct EarlyStoppingSpec {
    QString metric; ///< empty: disabled
    int patience = 3;
    double minDelta = 0.0;
};

/// Magnitude pruning: the smallest weights (of every weight matrix and kernel; biases and
/// normalization scales are kept) are set to zero and held there after every optimizer step.
/// `training.epochs` counts the fine-tuning: with 10 epochs and 2 fine-tuning epochs, the
/// target is reached after epoch 8 and the last 2 epochs train the pruned model.
struct PruningSpec {
    double sparsity = 0.0; ///< the fraction of prunable weights set to zero; 0: no pruning
    QString scope = QStringLiteral("global");      ///< global (one threshold) | layer (each layer)
    QString schedule = QStringLiteral("one_shot"); ///< one_shot | gradual (cubic, per epoch)
    int fineTuneEpochs = 1;                        ///< epochs trained after the target is reached
    int startEpoch = 0; ///< gradual: epochs trained dense before the first pruning
    bool enabled() const { return sparsity > 0; }
};

/// Transfer learning: the model starts from another run's weights instead of a fresh
/// initialization. Every tensor whose name and shape match is loaded; the rest (a head whose
/// class count differs) keep their fresh values. Frozen layers keep what they loaded.
struct InitFromSpec {
    qint64 run = 0;                              ///< the run whose weights to start from; 0: none
    QString checkpoint = QStringLiteral("best"); ///< best | last
    QString path;      ///< or a checkpoint file (`run` resolves to one in the workspace)
    QList<int> freeze; ///< model.layers[i] kept as loaded (from "model.layers[i]" strings)
    int trainLast = 0; ///< freeze every layer with parameters but the last N; 0: `freeze` alone
    bool enabled() const { return run > 0 || !path.isEmpty(); }
};

/// Knowledge distillation: the model also learns the softened class probabilities of a trained
/// teacher (another run of the workspace) on the same batches. The loss becomes
/// (1 - weight) x the spec's loss + weight x T^2 x KL(teacher_T || student_T), where _T is a
/// softmax of the logits divided by the temperature T (Hinton et al., 2015).
struct DistillSpec {
    qint64 teacher = 0;                          ///< the teacher run; 0: no distillation
    QString checkpoint = QStringLiteral("best"); ///< best | last
    double temperature = 4.0;
    double weight = 0.5; ///< of the soft loss; the spec's loss weighs 1 - weight
    bool enabled() const { return teacher > 0; }
};

struct TrainingSpec {
    int epochs = 10;
    int batchSize = 128;
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    LossSpec loss;
    QString precision = QStringLiteral("fp32"); ///< fp32 | bf16 | fp16
    int gradAccumulation = 1;
    double gradClipNorm = 0.0; ///< 0: no clipping
    EarlyStoppingSpec earlyStopping;
    int checkpointEveryEpochs = 1; ///< 0: only at the end
    qint64 seed = 42;
    int logEverySteps = 20;
    qint64 maxSteps = 0;     ///< 0: no limit
    double maxWallTimeS = 0; ///< 0: no limit
    int threads = 0;         ///< CPU threads for this run; 0: all cores
    PruningSpec pruning;
    InitFromSpec initFrom;
    DistillSpec distill;
};

/// The experiment spec of DESIGN.md: what to train, on what, how and where.
struct ExperimentSpec {
    QString name = QStringLiteral("experiment");
    DatasetSpec dataset;
    ModelSpec model;
    TrainingSpec training;
    QStringList devices = {QStringLiteral("auto")}; ///< "auto", "cpu", "cuda:N"
};

} // namespace trainlab
