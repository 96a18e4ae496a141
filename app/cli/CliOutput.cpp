#include "Commands.h"

#include "base/Errors.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trainlab::cli {

QTextStream& standardOutput() {
    static QTextStream stream(stdout);
    return stream;
}

QString databasePath(const CliArgs& args) {
    return args.db.isEmpty() ? defaultWorkspacePath() : args.db;
}

qint64 runIdArgument(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("%1 takes one run id").arg(args.command));
    bool ok = false;
    const qint64 id = args.positional.first().toLongLong(&ok);
    if (!ok || id <= 0)
        throw InputError(QStringLiteral("'%1' is not a run id (a positive number)")
                             .arg(args.positional.first()));
    return id;
}

void printJson(const QJsonValue& value) {
    const QByteArray text = value.isArray()
                                ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)
                                : QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented);
    standardOutput() << QString::fromUtf8(text);
    standardOutput().flush();
}

QString speedText(double speedup) {
    if (speedup >= 1 || speedup <= 0)
        return QStringLiteral("%1x faster").arg(speedup, 0, 'f', 2);
    return QStringLiteral("%1x slower").arg(1.0 / speedup, 0, 'f', 2);
}

} // namespace trainlab::cli
