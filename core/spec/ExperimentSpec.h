#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace trainlab {

/// Current version of the spec format, the value of the top-level "trainlab" key.
inline constexpr int kSpecVersion = 1;

struct SyntheticSpec {
    QString kind = QStringLiteral("spirals"); ///< spirals | blobs
    int samples = 3000;
    int classes = 3;
    double noise = 0.05; ///< standard deviation of the noise added to each coordinate
    int features = 2; ///< blobs only; spirals are always 2-D
};

struct DatasetSpec {
    QString source; ///< required: synthetic
    SyntheticSpec synthetic;
    double validationSplit = 0.1;
    double testSplit = 0.1; ///< used when the source has no test split of its own
    bool normalize = true;
    qint64 seed = -1; ///< -1: derive from training.seed
};

/// One layer: its type and every parameter (defaults filled in by validation).
struct LayerSpec {
    QString type;
    QJsonObject params;
};

struct ModelSpec {
    QString preset;                ///< mlp, ... ; empty when layers are given
    std::vector<LayerSpec> layers; ///< empty when a preset is given
    QString init = QStringLiteral("default"); ///< default | kaiming | xavier
};

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
    QString type = QStringLiteral("constant"); ///< constant | cosine | step | exponential
    int warmupSteps = 0;
    double minLr = 0.0;  ///< cosine floor
    int stepEpochs = 10; ///< step: decay every N epochs
    double gamma = 0.1;  ///< step, exponential (per epoch)
};

struct LossSpec {
    QString type = QStringLiteral("cross_entropy");
    double labelSmoothing = 0.0;
};

struct EarlyStoppingSpec {
    QString metric; ///< empty: disabled
    int patience = 3;
    double minDelta = 0.0;
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
    qint64 maxSteps = 0;      ///< 0: no limit
    double maxWallTimeS = 0; ///< 0: no limit
    int threads = 0;          ///< CPU threads for this run; 0: all cores
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
