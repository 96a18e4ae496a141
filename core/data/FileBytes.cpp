#include "data/FileBytes.h"

#include "base/Errors.h"

#include <QFile>
#include <QFileInfo>
#include <zlib.h>

namespace trainlab {

QByteArray gunzip(const QByteArray& compressed, const QString& name) {
    z_stream stream{};
    // 15 window bits + 16: expect a gzip header and trailer (checked with its CRC).
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        throw InputError(QStringLiteral("%1: cannot start gzip decompression").arg(name));
    QByteArray out;
    out.resize(std::max<qsizetype>(compressed.size() * 4, 1 << 16));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    int rc = Z_OK;
    while (true) {
        if (qsizetype(stream.total_out) == out.size())
            out.resize(out.size() * 2);
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + stream.total_out);
        stream.avail_out =
            uInt(std::min<qsizetype>(out.size() - qsizetype(stream.total_out), qsizetype(1) << 30));
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            // Concatenated gzip members are legal; continue with the next one if any.
            if (stream.avail_in == 0)
                break;
            const uLong produced = stream.total_out;
            inflateReset(&stream);
            stream.total_out = produced;
            continue;
        }
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR && stream.avail_out > 0) {
            const auto offset = qsizetype(stream.total_in);
            inflateEnd(&stream);
            throw InputError(QStringLiteral("%1: truncated gzip data (input ends at byte %2 "
                                            "before the end of the stream)")
                                 .arg(name)
                                 .arg(offset));
        }
        if (rc == Z_BUF_ERROR)
            continue;
        const QString message = QString::fromLatin1(stream.msg ? stream.msg : "unknown error");
        const auto offset = qsizetype(stream.total_in);
        inflateEnd(&stream);
        throw InputError(QStringLiteral("%1: corrupt gzip data near byte %2 (%3)")
                             .arg(name)
                             .arg(offset)
                             .arg(message));
    }
    out.resize(qsizetype(stream.total_out));
    inflateEnd(&stream);
    return out;
}

QByteArray readFileBytes(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists())
        throw InputError(QStringLiteral("%1: no such file").arg(path));
    if (!info.isFile())
        throw InputError(QStringLiteral("%1: not a file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QByteArray bytes = file.readAll();
    if (bytes.size() >= 2 && uchar(bytes[0]) == 0x1f && uchar(bytes[1]) == 0x8b)
        return gunzip(bytes, path);
    return bytes;
}

} // namespace trainlab
