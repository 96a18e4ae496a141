#pragma once

#include <QString>
#include <QtGlobal>

namespace trainlab {

/// Where a dataset comes from and how it is split, normalized, augmented and loaded: the
/// `dataset` block of an experiment spec.
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
    static constexpr int kAutoWorkers = -1;
    /// 0: batches are made on the training thread; kAutoWorkers ("auto"): from the run's
    /// thread budget (see train/ThreadBudget.h)
    int workers = kAutoWorkers;
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

} // namespace trainlab
