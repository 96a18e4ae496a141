#include "data/FileBytes.h"

#include "base/Errors.h"

#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace trainlab {

namespace {

// zlib counts in 32-bit uInt: hand it at most this much input or output room per call.
constexpr qsizetype kZlibChunk = qsizetype(1) << 30;

QString nonRegularKind(mode_t mode) {
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO (named pipe)");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a regular file");
}

// Why stat() failed, in words; distinguishes a dangling symbolic link from a missing file.
QString statProblem(const QString& path, int error, const QString& missing) {
    struct stat link {};
    if (error == ENOENT && ::lstat(QFile::encodeName(path).constData(), &link) == 0 &&
        S_ISLNK(link.st_mode))
        return QStringLiteral("is a symbolic link to %1, which does not exist")
            .arg(QFileInfo(path).symLinkTarget());
    if (error == ENOENT)
        return missing;
    if (error == ENOTDIR)
        return missing + QStringLiteral(" (a part of the path is not a folder)");
    if (error == EACCES)
        return QStringLiteral("permission denied (a folder on the path cannot be searched)");
    return QString::fromLocal8Bit(std::strerror(error));
}

// Inflates `compressed` (gzip, concatenated members allowed) into at most `limit` bytes. Sets
// `*more` when the stream holds more than that; the output never grows past `limit`, so a
// bomb costs `limit` bytes of memory at most.
QByteArray inflateBounded(const QByteArray& compressed, const QString& name, qsizetype limit,
                          bool* more) {
    z_stream stream{};
    // 15 window bits + 16: expect a gzip header and trailer (checked with its CRC).
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        throw InputError(QStringLiteral("%1: cannot start gzip decompression").arg(name));
    struct End {
        z_stream* stream;
        ~End() { inflateEnd(stream); }
    } end{&stream};
    *more = false;
    const auto* input = reinterpret_cast<const Bytef*>(compressed.constData());
    const qsizetype inputSize = compressed.size();
    qsizetype fed = 0;
    qsizetype produced = 0; // across members: zlib's total_out restarts with each one
    QByteArray out;
    out.resize(std::min(limit, std::max<qsizetype>(inputSize * 4, 1 << 16)));
    Bytef probe = 0;
    while (true) {
        if (stream.avail_in == 0 && fed < inputSize) {
            stream.next_in = const_cast<Bytef*>(input + fed);
            stream.avail_in = uInt(std::min(inputSize - fed, kZlibChunk));
            fed += qsizetype(stream.avail_in);
        }
        const bool full = produced == limit;
        if (!full && produced == out.size())
            out.resize(std::min(limit, out.size() * 2));
        // Once the output is full, inflate into one spare byte: any output there means the
        // stream is longer than allowed, learnt without allocating any of the excess.
        Bytef* dest = full ? &probe : reinterpret_cast<Bytef*>(out.data() + produced);
        const uInt room = full ? 1 : uInt(std::min(out.size() - produced, kZlibChunk));
        stream.next_out = dest;
        stream.avail_out = room;
        const int rc = inflate(&stream, Z_NO_FLUSH);
        const auto got = qsizetype(room - stream.avail_out);
        if (full && got > 0) {
            *more = true;
            break;
        }
        produced += got;
        const qsizetype offset = fed - qsizetype(stream.avail_in);
        if (rc == Z_STREAM_END) {
            if (stream.avail_in == 0 && fed == inputSize)
                break;
            // Concatenated gzip members are legal; continue with the next one.
            inflateReset(&stream);
            continue;
        }
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR) {
            if (stream.avail_in == 0 && fed == inputSize)
                throw InputError(QStringLiteral("%1: truncated gzip data (input ends at byte %2 "
                                                "before the end of the stream)")
                                     .arg(name)
                                     .arg(offset));
            continue;
        }
        throw InputError(QStringLiteral("%1: corrupt gzip data near byte %2 (%3)")
                             .arg(name)
                             .arg(offset)
                             .arg(QString::fromLatin1(stream.msg ? stream.msg : "unknown error")));
    }
    out.resize(produced);
    return out;
}

} // namespace

QString formatBytes(qint64 bytes) {
    constexpr qint64 kKiB = 1024;
    auto scaled = [&](qint64 unit, const char* suffix) -> QString {
        return QString::number(double(bytes) / double(unit), 'g', 3) + QLatin1Char(' ') +
               QLatin1String(suffix);
    };
    if (bytes >= kKiB * kKiB * kKiB)
        return scaled(kKiB * kKiB * kKiB, "GiB");
    if (bytes >= kKiB * kKiB)
        return scaled(kKiB * kKiB, "MiB");
    if (bytes >= kKiB)
        return scaled(kKiB, "KiB");
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString regularFileProblem(const QString& path) {
    if (path.isEmpty())
        return QStringLiteral("empty file name");
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return statProblem(path, errno, QStringLiteral("no such file"));
    if (S_ISDIR(info.st_mode))
        return QStringLiteral("is a directory, not a file");
    if (!S_ISREG(info.st_mode))
        return QStringLiteral("is %1, not a regular file").arg(nonRegularKind(info.st_mode));
    return {};
}

QString folderProblem(const QString& path) {
    if (path.isEmpty())
        return QStringLiteral("empty folder name");
    const QByteArray native = QFile::encodeName(path);
    struct stat info {};
    if (::stat(native.constData(), &info) != 0)
        return statProblem(path, errno, QStringLiteral("no such folder"));
    if (S_ISREG(info.st_mode))
        return QStringLiteral("is a file, not a folder");
    if (!S_ISDIR(info.st_mode))
        return QStringLiteral("is %1, not a folder").arg(nonRegularKind(info.st_mode));
    if (::access(native.constData(), R_OK | X_OK) != 0)
        return QStringLiteral("permission denied (cannot list the folder)");
    return {};
}

QByteArray readRegularFile(const QString& path, qsizetype maxBytes, const QString& what) {
    const QString problem = regularFileProblem(path);
    if (!problem.isEmpty())
        throw InputError(path + QStringLiteral(": ") + problem);
    const QString limitText =
        QStringLiteral("the %1 limit for %2")
            .arg(formatBytes(maxBytes), what.isEmpty() ? QStringLiteral("a data file") : what);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(
            file.error() == QFileDevice::PermissionsError
                ? QStringLiteral("%1: permission denied (cannot read the file)").arg(path)
                : QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const qint64 size = file.size();
    if (size > maxBytes)
        throw InputError(
            QStringLiteral("%1: %2 is more than %3").arg(path, formatBytes(size), limitText));
    // Read in steps rather than trusting the size: a file that grows while read still stops at
    // the cap.
    QByteArray bytes;
    bytes.resize(qsizetype(size) + 1);
    qsizetype total = 0;
    while (true) {
        if (total == bytes.size()) {
            if (total > maxBytes)
                throw InputError(
                    QStringLiteral("%1: grew past %2 while being read").arg(path, limitText));
            bytes.resize(std::min(maxBytes + 1, std::max<qsizetype>(total * 2, 1 << 16)));
        }
        const qint64 n = file.read(bytes.data() + total, bytes.size() - total);
        if (n < 0)
            throw InputError(QStringLiteral("%1: read error after %2 bytes: %3")
                                 .arg(path)
                                 .arg(total)
                                 .arg(file.errorString()));
        if (n == 0)
            break;
        total += qsizetype(n);
    }
    if (total > maxBytes)
        throw InputError(QStringLiteral("%1: grew past %2 while being read").arg(path, limitText));
    bytes.resize(total);
    return bytes;
}

bool isGzip(const QByteArray& bytes) {
    return bytes.size() >= 2 && uchar(bytes[0]) == 0x1f && uchar(bytes[1]) == 0x8b;
}

QByteArray gunzip(const QByteArray& compressed, const QString& name, qsizetype maxBytes) {
    bool more = false;
    QByteArray out = inflateBounded(compressed, name, maxBytes, &more);
    if (more)
        throw InputError(QStringLiteral("%1: gzip data inflates to more than %2 (the limit for "
                                        "a data file; %3 compressed). Stopped there: the file "
                                        "is corrupt or a decompression bomb")
                             .arg(name, formatBytes(maxBytes), formatBytes(compressed.size())));
    return out;
}

QByteArray gunzipPrefix(const QByteArray& compressed, const QString& name, qsizetype bytes) {
    bool more = false;
    return inflateBounded(compressed, name, bytes, &more);
}

QByteArray readFileBytes(const QString& path, qsizetype maxBytes) {
    const QByteArray bytes = readRegularFile(path, maxBytes);
    return isGzip(bytes) ? gunzip(bytes, path, maxBytes) : bytes;
}

} // namespace trainlab
