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

} // namespace

torch::Tensor parseIdx(const QByteArray& bytes, const QString& name) {
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
    const IdxType* type = nullptr;
    for (const auto& t : kTypes) {
        if (t.code == data[2])
            type = &t;
    }
    if (!type)
        throw InputError(QStringLiteral("%1: unknown IDX element type 0x%2 at byte 2")
                             .arg(name)
                             .arg(data[2], 2, 16, QLatin1Char('0')));
    const int dims = data[3];
    if (dims == 0)
        throw InputError(QStringLiteral("%1: IDX file declares 0 dimensions (byte 3)").arg(name));
    const qsizetype header = 4 + 4 * qsizetype(dims);
    if (bytes.size() < header)
        throw InputError(QStringLiteral("%1: truncated IDX header: %2 dimensions need %3 bytes, "
                                        "the file has %4")
                             .arg(name)
                             .arg(dims)
                             .arg(header)
                             .arg(bytes.size()));
    std::vector<int64_t> shape;
    int64_t count = 1;
    const int64_t available = (bytes.size() - header) / type->size;
    for (int d = 0; d < dims; ++d) {
        const auto size = int64_t(qFromBigEndian<quint32>(data + 4 + 4 * d));
        shape.push_back(size);
        // Guard the product before multiplying: a corrupt header must not overflow it.
        if (size != 0 && count > available / size)
            throw InputError(QStringLiteral("%1: IDX dimension %2 (%3, at byte %4) is larger than "
                                            "the file's data")
                                 .arg(name)
                                 .arg(d)
                                 .arg(size)
                                 .arg(4 + 4 * d));
        count *= size;
    }
    const qsizetype expected = header + qsizetype(count) * type->size;
    if (bytes.size() != expected)
        throw InputError(QStringLiteral("%1: IDX shape needs %2 bytes of %3 data after the "
                                        "%4-byte header, the file has %5")
                             .arg(name)
                             .arg(count * type->size)
                             .arg(QLatin1String(type->name))
                             .arg(header)
                             .arg(bytes.size() - header));
    auto tensor = torch::empty(shape, torch::TensorOptions().dtype(type->scalar));
    if (count == 0)
        return tensor; // an empty tensor has no storage to copy into
    std::memcpy(tensor.data_ptr(), data + header, size_t(count) * size_t(type->size));
    if (type->size > 1 && QSysInfo::ByteOrder == QSysInfo::LittleEndian) {
        // IDX stores multi-byte values big-endian.
        auto* raw = static_cast<uchar*>(tensor.data_ptr());
        for (int64_t i = 0; i < count; ++i)
            std::reverse(raw + i * type->size, raw + (i + 1) * type->size);
    }
    return tensor;
}

torch::Tensor readIdxFile(const QString& path) {
    return parseIdx(readFileBytes(path), path);
}

} // namespace trainlab
