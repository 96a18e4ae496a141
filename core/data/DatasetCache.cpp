#include "data/DatasetCache.h"

#include "data/ImageReaders.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace trainlab {

namespace {

constexpr quint32 kMagic = 0x544c4453; // "TLDS"
// 2: the readers got stricter (all CIFAR-10 batches required, ...); an entry written by an older
// reader may hold data the current one refuses, so it is read again.
constexpr quint32 kFormatVersion = 2;

void describeFile(QCryptographicHash& hash, const QString& path) {
    const QFileInfo info(path);
    hash.addData(info.absoluteFilePath().toUtf8());
    hash.addData(QByteArray::number(info.size()));
    hash.addData(QByteArray::number(info.lastModified().toMSecsSinceEpoch()));
}

// Raw bytes in chunks: one writeRawData call takes at most 2 GiB.
void writeTensor(QDataStream& out, const torch::Tensor& tensor) {
    const auto t = tensor.contiguous();
    out << qint32(t.scalar_type()) << qint32(t.dim());
    for (int64_t d : t.sizes())
        out << qint64(d);
    const char* p = static_cast<const char*>(t.data_ptr());
    size_t left = t.nbytes();
    while (left > 0) {
        const int chunk = int(std::min<size_t>(left, 1U << 30));
        out.writeRawData(p, chunk);
        p += chunk;
        left -= size_t(chunk);
    }
}

std::optional<torch::Tensor> readTensor(QDataStream& in) {
    qint32 type = 0;
    qint32 dims = 0;
    in >> type >> dims;
    if (in.status() != QDataStream::Ok || dims < 0 || dims > 8)
        return std::nullopt;
    const auto scalar = torch::ScalarType(type);
    if (scalar != torch::kUInt8 && scalar != torch::kInt64 && scalar != torch::kFloat32)
        return std::nullopt;
    std::vector<int64_t> shape;
    int64_t count = 1;
    for (int d = 0; d < dims; ++d) {
        qint64 size = 0;
        in >> size;
        if (size < 0 || (size > 0 && count > in.device()->bytesAvailable() / size))
            return std::nullopt; // a damaged entry: do not allocate what the file cannot hold
        count *= size;
        shape.push_back(size);
    }
    if (count * int64_t(c10::elementSize(scalar)) > in.device()->bytesAvailable())
        return std::nullopt;
    auto tensor = torch::empty(shape, torch::TensorOptions().dtype(torch::ScalarType(type)));
    char* p = static_cast<char*>(tensor.data_ptr());
    size_t left = tensor.nbytes();
    while (left > 0) {
        const int chunk = int(std::min<size_t>(left, 1U << 30));
        if (in.readRawData(p, chunk) != chunk)
            return std::nullopt;
        p += chunk;
        left -= size_t(chunk);
    }
    return tensor;
}

// Every file under `dir` matching `filters`, in a stable order.
void describeFolder(QCryptographicHash& hash, const QString& dir, const QStringList& filters,
                    QDirIterator::IteratorFlags flags = QDirIterator::NoIteratorFlags) {
    QDirIterator it(dir, filters, QDir::Files, flags);
    QStringList files;
    while (it.hasNext())
        files << it.next();
    files.sort();
    for (const QString& f : files)
        describeFile(hash, f);
}

} // namespace

DatasetCache::DatasetCache(QString dir)
    : dir_(std::move(dir)) {
    if (dir_.isEmpty())
        dir_ = qEnvironmentVariable("TRAINLAB_CACHE_DIR");
    if (dir_.isEmpty())
        dir_ = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
               QStringLiteral("/trainlab/datasets");
}

QString DatasetCache::fileFor(const QString& key) const {
    return dir_ + QLatin1Char('/') + key + QStringLiteral(".tlds");
}

QString DatasetCache::keyFor(const DatasetSpec& spec) const {
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QByteArray::number(kFormatVersion));
    hash.addData(spec.source.toUtf8());
    if (spec.source == QLatin1String("fashion-mnist")) {
        describeFolder(hash,
                       spec.path.isEmpty() ? QString::fromLatin1(kFashionMnistDir) : spec.path, {});
    } else if (spec.source == QLatin1String("idx")) {
        for (const QString& f :
             {spec.train.images, spec.train.labels, spec.test.images, spec.test.labels})
            if (!f.isEmpty())
                describeFile(hash, f);
    } else if (spec.source == QLatin1String("csv")) {
        describeFile(hash, spec.path);
        hash.addData((spec.csv.label + QLatin1Char('|') + spec.csv.delimiter + QLatin1Char('|') +
                      spec.csv.header + QLatin1Char('|') + spec.csv.task)
                         .toUtf8());
    } else if (spec.source == QLatin1String("image_folder")) {
        describeFolder(hash, spec.path, {}, QDirIterator::Subdirectories);
        hash.addData(QStringLiteral("%1x%2x%3")
                         .arg(spec.image.height)
                         .arg(spec.image.width)
                         .arg(spec.image.channels)
                         .toUtf8());
    } else if (spec.source == QLatin1String("cifar10")) {
        describeFolder(hash, spec.path, {QStringLiteral("*.bin")});
    } else {
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

std::optional<SourceData> DatasetCache::load(const QString& key) const {
    QFile file(fileFor(key));
    if (key.isEmpty() || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QDataStream in(&file);
    quint32 magic = 0;
    quint32 version = 0;
    in >> magic >> version;
    if (magic != kMagic || version != kFormatVersion)
        return std::nullopt;
    SourceData data;
    qint32 task = 0;
    bool hasTest = false;
    QList<bool> numeric;
    in >> task >> data.images >> data.classNames >> data.featureNames >> numeric >> hasTest;
    data.task = TaskKind(task);
    data.numericFeature.assign(numeric.begin(), numeric.end());
    auto features = readTensor(in);
    auto targets = readTensor(in);
    if (!features || !targets)
        return std::nullopt;
    data.train = {*features, *targets};
    if (hasTest) {
        auto testFeatures = readTensor(in);
        auto testTargets = readTensor(in);
        if (!testFeatures || !testTargets)
            return std::nullopt;
        data.test = TensorDataset{*testFeatures, *testTargets};
    }
    if (in.status() != QDataStream::Ok)
        return std::nullopt;
    return data;
}

void DatasetCache::store(const QString& key, const SourceData& data) const {
    if (key.isEmpty() || !QDir().mkpath(dir_))
        return;
    QSaveFile file(fileFor(key));
    if (!file.open(QIODevice::WriteOnly))
        return;
    QDataStream out(&file);
    out << kMagic << kFormatVersion << qint32(data.task) << data.images << data.classNames
        << data.featureNames << QList<bool>(data.numericFeature.begin(), data.numericFeature.end())
        << data.test.has_value();
    writeTensor(out, data.train.features);
    writeTensor(out, data.train.targets);
    if (data.test) {
        writeTensor(out, data.test->features);
        writeTensor(out, data.test->targets);
    }
    file.commit();
}

} // namespace trainlab
