#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

namespace trainlab::test {

inline QString sourcePath(const QString& relative) {
    return QStringLiteral(TRAINLAB_SOURCE_DIR "/") + relative;
}

inline QString quickstartSpec() {
    return sourcePath(QStringLiteral("experiments/quickstart.json"));
}

inline void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
}

inline QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace trainlab::test
