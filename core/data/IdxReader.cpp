#include "data/IdxReader.h"

#include "base/Errors.h"
#include "data/FileBytes.h"

#include <QtEndian>

namespace trainlab {

namespace {

struct IdxType {
    uchar code;
    torch::ScalarType scalar;
    int size;
    const char* name;
};

constexpr IdxType kTypes[] = {
    {0x08, torch::kUInt8, 1, "unsigned byte"}, {0x09, torch::kInt8, 1, "signed byte"},
    {0x0B, torch::kInt16, 2, "short"},         {0x0C, torch::kInt32, 4, "int"},
    {0x0D, torch::kFloat32, 4, "float"},       {0x0E, torch::kFloat64, 8, "double"},
};

// The longest header: magic, type, a dimension count of up to 255 and four bytes per dimension.
constexpr qsizetype kMaxIdxHeaderBytes = 4 + 4 * 255;

struct IdxHeader {
    const IdxType* type = nullptr;
    std::vector<int64_t> shape;
    int64_t count = 1; ///< elements
    qsizetype headerBytes = 0;

    qsizetype totalBytes() const { return headerBytes + qsizetype(count) * type->size; }
    QString shapeText() const {
        QStringList dims;
        for (int64_t d : shape)
            dims << QString::number(d);
        return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
};

// Reads magic, element type and shape from the first bytes of an IDX file. `maxFileBytes` is
// the most the whole file can hold (`bound` says why, for the message): a shape needing more is
// refused at the dimension that passes it, before anything is allocated and without overflowing
// the product.
IdxHeader parseIdxHeader(const QByteArray& bytes, const QString& name, qsizetype maxFileBytes,
                         const QString& bound) {
    const auto* data = reinterpret_cast<const uchar*>(bytes.constData());
    if (bytes.size() < 4)
        throw InputError(
            QStringLiteral("%1: too short for an IDX file (%2 bytes)").arg(name).arg(bytes.size()));
    if (data[0] != 0 || data[1] != 0)
        throw InputError(QStringLiteral("%1: not an IDX file (magic bytes 0x%2%3 at offset 0, "
                                        "expected 0x0000)")
                             .arg(name)
                             .arg(data[0], 2, 16, QLatin1Char('0'))
                             .arg(data[1], 2, 16, QLatin1Char('0')));
    IdxHeader header;
    for (const auto& t : kTypes) {
        if (t.code == data[2])
            header.type = &t;
    }
    if (!header.type)
        throw InputError(QStringLiteral("%1: unknown IDX element type 0x%2 at byte 2")
                             .arg(name)
                             .arg(data[2], 2, 16, QLatin1Char('0')));
    const int dims = data[3];
    if (dims == 0)
        throw InputError(QStringLiteral("%1: IDX file declares 0 dimensions (byte 3)").arg(name));
    header.headerBytes = 4 + 4 * qsizetype(dims);
    if (bytes.size() < header.headerBytes)
        throw InputError(QStringLiteral("%1: truncated IDX header: %2 dimensions need %3 bytes, "
                                        "the file has %4")
                             .arg(name)
                             .arg(dims)
                             .arg(header.headerBytes)
                             .arg(bytes.size()));
    const int64_t available =
        std::max<qsizetype>(0, maxFileBytes - header.headerBytes) / header.type->size;
    for (int d = 0; d < dims; ++d) {
        const auto size = int64_t(qFromBigEndian<quint32>(data + 4 + 4 * d));
        header.shape.push_back(size);
        // Guard the product before multiplying: a corrupt header must not overflow it.
        if (size != 0 && header.count > available / size)
            throw InputError(QStringLiteral("%1: IDX dimension %2 (%3, at byte %4) is larger than "
                                            "%5")
                                 .arg(name)
                                 .arg(d)
                                 .arg(size)
                                 .arg(4 + 4 * d)
                                 .arg(bound));
        header.count *= size;
    }
    return header;
}

torch::Tensor idxTensor(const IdxHeader& header, const QByteArray& bytes, const QString& name) {
    const IdxType* type = header.type;
    const qsizetype expected = header.totalBytes();
    if (bytes.size() != expected)
        throw InputError(QStringLiteral("%1: IDX shape needs %2 bytes of %3 data after the "
                                        "%4-byte header, the file has %5")
                             .arg(name)
                             .arg(header.count * type->size)
                             .arg(QLatin1String(type->name))
                             .arg(header.headerBytes)
                             .arg(bytes.size() - header.headerBytes));
    auto tensor = torch::empty(header.shape, torch::TensorOptions().dtype(type->scalar));
    if (header.count == 0)
        return tensor; // an empty tensor has no storage to copy into
    std::memcpy(tensor.data_ptr(), bytes.constData() + header.headerBytes,
                size_t(header.count) * size_t(type->size));
    if (type->size > 1 && QSysInfo::ByteOrder == QSysInfo::LittleEndian) {
        // IDX stores multi-byte values big-endian.
        auto* raw = static_cast<uchar*>(tensor.data_ptr());
        for (int64_t i = 0; i < header.count; ++i)
            std::reverse(raw + i * type->size, raw + (i + 1) * type->size);
    }
    return tensor;
}

} // namespace

torch::Tensor parseIdx(const QByteArray& bytes, const QString& name) {
    const IdxHeader header =
        parseIdxHeader(bytes, name, bytes.size(), QStringLiteral("the file's data"));
    return idxTensor(header, bytes, name);
}

torch::Tensor readIdxFile(const QString& path) {
    const QByteArray raw = readRegularFile(path, kMaxDataFileBytes);
    if (!isGzip(raw))
        return parseIdx(raw, path);
    // Compressed: read the header first, then inflate no further than the size it declares, so
    // a decompression bomb stops at the declared size instead of exhausting memory. The
    // declared size itself is bounded by what the compressed bytes can inflate to and by the
    // data file limit.
    const qsizetype ceiling = std::min(kMaxDataFileBytes, raw.size() * kMaxDeflateRatio);
    const QString bound =
        ceiling == kMaxDataFileBytes
            ? QStringLiteral("the %1 limit for a data file").arg(formatBytes(kMaxDataFileBytes))
            : QStringLiteral("%1 of gzip data can inflate to (%2 at most)")
                  .arg(formatBytes(raw.size()), formatBytes(ceiling));
    const QByteArray head = gunzipPrefix(raw, path, kMaxIdxHeaderBytes);
    const IdxHeader header = parseIdxHeader(head, path, ceiling, bound);
    const qsizetype declared = header.totalBytes();
    const QByteArray bytes = gunzipPrefix(raw, path, declared + 1);
    if (bytes.size() > declared)
        throw InputError(QStringLiteral("%1: gzip data inflates to more than the %2 bytes the IDX "
                                        "header declares (%3-byte header + shape %4 of %5); "
                                        "stopped there: the file is corrupt or a decompression "
                                        "bomb")
                             .arg(path)
                             .arg(declared)
                             .arg(header.headerBytes)
                             .arg(header.shapeText(), QLatin1String(header.type->name)));
    return idxTensor(header, bytes, path);
}

} // namespace trainlab
