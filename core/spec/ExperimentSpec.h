#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace trainlab {

/// Current version of the spec format, the value of the top-level "trainlab" key.
inline constexpr int kSpecVersion = 1;

struct SyntheticSpec {
    QString kind = QStringLiteral("spirals"); ///< spirals | blobs | moons | regression
    int samples = 3000;
    int classes = 3;     ///< spirals, blobs
    double noise = 0.05; ///< standard deviation of the noise added to each coordinate
    int features = 2;    ///< blobs, regression; spirals and moons are always 2-D
};

/// An IDX image file and its label file (plain or .gz).
struct IdxPair {
    QString images;
    QString labels;
    bool isEmpty() const { return images.isEmpty() && labels.isEmpty(); }
};

struct CsvSpec {
    QString label; ///< column name, or its 0-based index as text; empty: the last column
    QString delimiter = QStringLiteral("auto"); ///< auto | , | ; | \t
    QString header = QStringLiteral("auto");    ///< auto | yes | no
    QString task = QStringLiteral("auto");      ///< auto | classification | regression
};

struct ImageSpec {
    int height = 32;
    int width = 32;
    int channels = 1; ///< 1 (grayscale) or 3 (RGB)
};

struct AugmentSpec {
    int randomCropPadding = 0;
    bool hflip = false;
    double rotationDeg = 0;
    double gaussianNoise = 0; ///< standard deviation, in normalized units
    bool enabled() const {
        return randomCropPadding > 0 || hflip || rotationDeg > 0 || gaussianNoise > 0;
    }
};

struct ImbalanceSpec {
    bool classWeights = false;                 ///< weight the loss by inverse class frequency
    QString sampling = QStringLiteral("none"); ///< none | balanced
};

struct LoaderSpec {
    int workers = 2;  ///< 0: batches are made on the training thread
    int prefetch = 4; ///< batches ready ahead of the trainer, per epoch
    bool dropLast = false;
};

struct DatasetSpec {
    /// synthetic | fashion-mnist | idx | csv | image_folder | cifar10
    QString source;
    QString path;  ///< csv file, image folder, cifar10 folder, fashion-mnist folder
    IdxPair train; ///< idx
    IdxPair test;  ///< idx, optional
    SyntheticSpec synthetic;
    CsvSpec csv;
    ImageSpec image;
    double validationSplit = 0.1;
    double testSplit = 0.1; ///< used only when the source has no test split of its own
    bool normalize = true;
    AugmentSpec augment;
    ImbalanceSpec imbalance;
    LoaderSpec loader;
    bool cache = true;
    qint64 maxTrainSamples = 0; ///< 0: all; else a stratified, seeded subset
    qint64 maxTestSamples = 0;
    qint64 seed = -1; ///< -1: derive from training.seed
};

/// One layer: its type and every parameter (defaults filled in by validation).
struct LayerSpec {
    QString type;
    QJsonObject params;
};

struct ModelSpec {
    QString preset;                           ///< mlp, ... ; empty when layers are given
    std::vector<LayerSpec> layers;            ///< empty when a preset is given
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
