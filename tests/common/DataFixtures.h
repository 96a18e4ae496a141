#pragma once

// Small dataset files the tests write themselves: IDX (plain and gzip), CSV, CIFAR-10 batches
// and image folders.
#include <QByteArray>
#include <QDir>
#include <QImage>
#include <QString>
#include <QtEndian>
#include <vector>
#include <zlib.h>

namespace trainlab::test {

/// An IDX file of unsigned bytes with the given shape; values are (i * 7 + 3) % 256.
inline QByteArray idxBytes(const std::vector<quint32>& shape, uchar type = 0x08,
                           const std::function<uchar(size_t)>& value = {}) {
    QByteArray out;
    out.append(char(0)).append(char(0)).append(char(type)).append(char(shape.size()));
    size_t count = 1;
    for (quint32 d : shape) {
        uchar be[4];
        qToBigEndian<quint32>(d, be);
        out.append(reinterpret_cast<const char*>(be), 4);
        count *= d;
    }
    for (size_t i = 0; i < count; ++i)
        out.append(char(value ? value(i) : uchar((i * 7 + 3) % 256)));
    return out;
}

inline QByteArray gzipBytes(const QByteArray& plain) {
    z_stream s{};
    deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&s, uLong(plain.size()))) + 64, 0);
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.constData()));
    s.avail_in = uInt(plain.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = uInt(out.size());
    deflate(&s, Z_FINISH);
    out.resize(qsizetype(s.total_out));
    deflateEnd(&s);
    return out;
}

/// `n` CIFAR-10 records: label i % 10, pixels derived from the index.
inline QByteArray cifarBytes(int n) {
    QByteArray out;
    for (int i = 0; i < n; ++i) {
        out.append(char(i % 10));
        for (int p = 0; p < 3072; ++p)
            out.append(char((i + p) % 256));
    }
    return out;
}

/// root/<class>/<k>.png with solid images whose gray level encodes the class.
inline void writeImageFolder(const QString& root, const QStringList& classes, int perClass,
                             QSize size = QSize(12, 10)) {
    for (qsizetype c = 0; c < classes.size(); ++c) {
        QDir().mkpath(root + QLatin1Char('/') + classes[c]);
        for (int k = 0; k < perClass; ++k) {
            QImage image(size, QImage::Format_RGB888);
            image.fill(QColor(int(40 + 80 * c), int(40 + 80 * c), int(40 + 80 * c)));
            image.save(QStringLiteral("%1/%2/%3.png").arg(root, classes[c]).arg(k));
        }
    }
}

} // namespace trainlab::test
