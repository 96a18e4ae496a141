#include "data/ImageReaders.h"

#include "base/Errors.h"
#include "data/FileBytes.h"
#include "data/IdxReader.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QThread>
#include <atomic>
#include <thread>

namespace trainlab {

namespace {

constexpr int kCifarTrainBatches = 5;

TensorDataset idxPair(const IdxPair& pair) {
    torch::Tensor images = readIdxFile(pair.images);
    torch::Tensor labels = readIdxFile(pair.labels);
    if (images.scalar_type() != torch::kUInt8 || (images.dim() != 3 && images.dim() != 4))
        throw InputError(QStringLiteral("%1: expected unsigned-byte images of shape [N, H, W] or "
                                        "[N, C, H, W], got %2 dimensions")
                             .arg(pair.images)
                             .arg(images.dim()));
    if (labels.dim() != 1 || labels.is_floating_point())
        throw InputError(
            QStringLiteral("%1: expected a 1-D list of integer labels").arg(pair.labels));
    if (images.size(0) != labels.size(0))
        throw InputError(QStringLiteral("%1 has %2 images but %3 has %4 labels")
                             .arg(pair.images)
                             .arg(images.size(0))
                             .arg(pair.labels)
                             .arg(labels.size(0)));
    if (images.dim() == 3)
        images = images.unsqueeze(1);
    labels = labels.to(torch::kInt64);
    if (labels.numel() > 0 && labels.min().item<int64_t>() < 0)
        throw InputError(QStringLiteral("%1: negative label %2")
                             .arg(pair.labels)
                             .arg(labels.min().item<int64_t>()));
    return {images.contiguous(), labels};
}

const QStringList kImagePatterns = {QStringLiteral("*.png"),  QStringLiteral("*.jpg"),
                                    QStringLiteral("*.jpeg"), QStringLiteral("*.bmp"),
                                    QStringLiteral("*.gif"),  QStringLiteral("*.pgm"),
                                    QStringLiteral("*.ppm")};

// Decodes one image; an empty string on success, else what is wrong with the file in words.
QString decodeImage(const QString& path, QImage& image) {
    QImageReader reader(path);
    if (reader.read(&image))
        return {};
    if (QFileInfo(path).size() == 0)
        return QStringLiteral("empty file (0 bytes), not an image");
    return QStringLiteral("cannot decode this image (%1)").arg(reader.errorString());
}

// Converts a decoded image to the spec's channels and size and writes it as [C, H, W] bytes.
void copyPixels(const QImage& decoded, const ImageSpec& spec, uint8_t* out) {
    const int64_t c = spec.channels;
    const int64_t plane = int64_t(spec.height) * spec.width;
    QImage image =
        decoded.convertToFormat(c == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    if (image.width() != spec.width || image.height() != spec.height)
        image =
            image.scaled(spec.width, spec.height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    for (int y = 0; y < spec.height; ++y) {
        const uchar* line = image.constScanLine(y);
        for (int x = 0; x < spec.width; ++x) {
            for (int64_t ch = 0; ch < c; ++ch)
                out[ch * plane + int64_t(y) * spec.width + x] = line[x * c + ch];
        }
    }
}

void checkLabelsBelow(const TensorDataset& data, int64_t classes, const QString& file) {
    if (data.size() > 0 && data.targets.max().item<int64_t>() >= classes)
        throw InputError(QStringLiteral("%1: label %2 but the training labels have only %3 classes")
                             .arg(file)
                             .arg(data.targets.max().item<int64_t>())
                             .arg(classes));
}

} // namespace

SourceData readIdxDataset(const IdxPair& train, const IdxPair& test) {
    SourceData out;
    out.images = true;
    out.train = idxPair(train);
    const int64_t classes = out.train.size() > 0 ? out.train.targets.max().item<int64_t>() + 1 : 0;
    for (int64_t k = 0; k < classes; ++k)
        out.classNames << QString::number(k);
    if (!test.isEmpty()) {
        out.test = idxPair(test);
        if (out.test->features.sizes().slice(1) != out.train.features.sizes().slice(1))
            throw InputError(QStringLiteral("%1: test images are not the size of the training "
                                            "images")
                                 .arg(test.images));
        checkLabelsBelow(*out.test, classes, test.labels);
    }
    return out;
}

SourceData readFashionMnist(const QString& dir) {
    const QString root = dir.isEmpty() ? QString::fromLatin1(kFashionMnistDir) : dir;
    if (!QFileInfo(root).isDir())
        throw InputError(QStringLiteral("dataset: Fashion-MNIST not found at %1 (install "
                                        "Debian's dataset-fashion-mnist, or set dataset.path)")
                             .arg(root));
    auto file = [&](const char* base) {
        const QString plain = root + QLatin1Char('/') + QLatin1String(base);
        return QFileInfo::exists(plain) ? plain : plain + QStringLiteral(".gz");
    };
    SourceData out =
        readIdxDataset({file("train-images-idx3-ubyte"), file("train-labels-idx1-ubyte")},
                       {file("t10k-images-idx3-ubyte"), file("t10k-labels-idx1-ubyte")});
    out.classNames = {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                      QStringLiteral("Pullover"),    QStringLiteral("Dress"),
                      QStringLiteral("Coat"),        QStringLiteral("Sandal"),
                      QStringLiteral("Shirt"),       QStringLiteral("Sneaker"),
                      QStringLiteral("Bag"),         QStringLiteral("Ankle boot")};
    return out;
}

SourceData readImageFolder(const QString& root, const ImageSpec& spec) {
    if (const QString problem = folderProblem(root); !problem.isEmpty())
        throw InputError(root + QStringLiteral(": ") + problem);
    const QDir dir(root);
    const QStringList classes = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (classes.size() < 2)
        throw InputError(QStringLiteral("%1: needs one sub-folder per class (at least two), found "
                                        "%2")
                             .arg(root)
                             .arg(classes.size()));
    std::vector<QString> files;
    std::vector<int64_t> labels;
    for (qsizetype k = 0; k < classes.size(); ++k) {
        const QString classPath = dir.filePath(classes[k]);
        if (const QString problem = folderProblem(classPath); !problem.isEmpty())
            throw InputError(classPath + QStringLiteral(": ") + problem);
        QDir classDir(classPath);
        classDir.setNameFilters(kImagePatterns);
        // Every entry with an image name, devices and dangling links included: one that is not
        // a regular file is an error to report, not a file to skip quietly.
        const QStringList images =
            classDir.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
        if (images.isEmpty())
            throw InputError(QStringLiteral("%1: class folder has no images (png, jpg, bmp, gif, "
                                            "pgm, ppm)")
                                 .arg(classDir.path()));
        for (const QString& image : images) {
            const QString file = classDir.filePath(image);
            if (const QString problem = regularFileProblem(file); !problem.isEmpty())
                throw InputError(file + QStringLiteral(": ") + problem);
            files.push_back(file);
            labels.push_back(k);
        }
    }
    const auto n = int64_t(files.size());
    const int64_t c = spec.channels;
    auto pixels = torch::empty({n, c, spec.height, spec.width}, torch::kUInt8);
    uint8_t* base = pixels.data_ptr<uint8_t>();
    const int64_t plane = int64_t(spec.height) * spec.width;
    std::atomic<int64_t> next{0};
    std::atomic<bool> failed{false};
    QString error;
    std::mutex errorMutex;
    auto work = [&] {
        QImage image;
        for (int64_t i = next++; i < n && !failed; i = next++) {
            const QString problem = decodeImage(files[size_t(i)], image);
            if (!problem.isEmpty()) {
                std::lock_guard lock(errorMutex);
                if (!failed.exchange(true))
                    error = files[size_t(i)] + QStringLiteral(": ") + problem;
                return;
            }
            copyPixels(image, spec, base + i * c * plane);
        }
    };
    std::vector<std::thread> threads;
    const int count = std::max(1, std::min(QThread::idealThreadCount(), 8));
    for (int t = 0; t < count; ++t)
        threads.emplace_back(work);
    for (auto& t : threads)
        t.join();
    if (failed)
        throw InputError(error);
    SourceData out;
    out.images = true;
    out.classNames = classes;
    out.train = {pixels, torch::tensor(labels, torch::kInt64)};
    return out;
}

torch::Tensor readImageFile(const QString& path, const ImageSpec& spec, bool resize) {
    if (const QString problem = regularFileProblem(path); !problem.isEmpty())
        throw InputError(path + QStringLiteral(": ") + problem);
    QImage image;
    if (const QString problem = decodeImage(path, image); !problem.isEmpty())
        throw InputError(path + QStringLiteral(": ") + problem);
    if (!resize && (image.width() != spec.width || image.height() != spec.height))
        throw InputError(QStringLiteral("%1: the image is %2x%3 pixels; the model takes %4x%5")
                             .arg(path)
                             .arg(image.width())
                             .arg(image.height())
                             .arg(spec.width)
                             .arg(spec.height));
    auto pixels = torch::empty({spec.channels, spec.height, spec.width}, torch::kUInt8);
    copyPixels(image, spec, pixels.data_ptr<uint8_t>());
    return pixels;
}

TensorDataset parseCifarBatch(const QByteArray& bytes, const QString& name) {
    constexpr int64_t kRecord = 1 + 3 * 32 * 32;
    if (bytes.isEmpty())
        throw InputError(QStringLiteral("%1: empty file (a CIFAR-10 batch holds %2-byte records)")
                             .arg(name)
                             .arg(kRecord));
    if (bytes.size() % kRecord != 0)
        throw InputError(QStringLiteral("%1: %2 bytes is not a whole number of %3-byte CIFAR-10 "
                                        "records (the last record starts at byte %4 and is cut)")
                             .arg(name)
                             .arg(bytes.size())
                             .arg(kRecord)
                             .arg(bytes.size() / kRecord * kRecord));
    const int64_t n = bytes.size() / kRecord;
    auto images = torch::empty({n, 3, 32, 32}, torch::kUInt8);
    auto labels = torch::empty({n}, torch::kInt64);
    const auto* src = reinterpret_cast<const uint8_t*>(bytes.constData());
    uint8_t* dst = images.data_ptr<uint8_t>();
    int64_t* lab = labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t label = src[i * kRecord];
        if (label > 9)
            throw InputError(QStringLiteral("%1: record %2 (byte %3) has label %4; CIFAR-10 "
                                            "labels are 0-9")
                                 .arg(name)
                                 .arg(i)
                                 .arg(i * kRecord)
                                 .arg(label));
        lab[i] = label;
        std::memcpy(dst + i * (kRecord - 1), src + i * kRecord + 1, size_t(kRecord - 1));
    }
    return {images, labels};
}

SourceData readCifar10(const QString& dir) {
    if (const QString problem = folderProblem(dir); !problem.isEmpty())
        throw InputError(dir + QStringLiteral(": ") + problem);
    // All six files of the binary distribution: a missing one means a partial download or a
    // wrong folder, and training on part of the data without saying so is worse than failing.
    QStringList names;
    for (int b = 1; b <= kCifarTrainBatches; ++b)
        names << QStringLiteral("data_batch_%1.bin").arg(b);
    names << QStringLiteral("test_batch.bin");
    for (const QString& name : names) {
        const QString file = dir + QLatin1Char('/') + name;
        if (!QFileInfo(file).exists() && !QFileInfo(file).isSymLink())
            throw InputError(QStringLiteral("%1: missing (a CIFAR-10 folder holds the binary "
                                            "batches %2)")
                                 .arg(file, names.join(QStringLiteral(", "))));
    }
    std::vector<torch::Tensor> images;
    std::vector<torch::Tensor> labels;
    for (int b = 0; b < kCifarTrainBatches; ++b) {
        const QString file = dir + QLatin1Char('/') + names[b];
        const TensorDataset batch = parseCifarBatch(readFileBytes(file), file);
        images.push_back(batch.features);
        labels.push_back(batch.targets);
    }
    SourceData out;
    out.images = true;
    out.train = {torch::cat(images), torch::cat(labels)};
    const QString testFile = dir + QLatin1Char('/') + names.last();
    out.test = parseCifarBatch(readFileBytes(testFile), testFile);
    out.classNames = {QStringLiteral("airplane"), QStringLiteral("automobile"),
                      QStringLiteral("bird"),     QStringLiteral("cat"),
                      QStringLiteral("deer"),     QStringLiteral("dog"),
                      QStringLiteral("frog"),     QStringLiteral("horse"),
                      QStringLiteral("ship"),     QStringLiteral("truck")};
    return out;
}

} // namespace trainlab
