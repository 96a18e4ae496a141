#include "spec/InitFromJson.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <limits>

namespace trainlab {

void readInitFrom(JsonObjectReader r, InitFromSpec& f) {
    const JsonObjectReader::Range kNonNegative{0, std::numeric_limits<double>::infinity()};
    r.integer64(QStringLiteral("run"), f.run, kNonNegative);
    r.string(QStringLiteral("checkpoint"), f.checkpoint,
             {QStringLiteral("best"), QStringLiteral("last")});
    r.string(QStringLiteral("path"), f.path);
    r.integer(QStringLiteral("train_last"), f.trainLast, kNonNegative);
    const QJsonValue freeze = r.raw(QStringLiteral("freeze"));
    static const QRegularExpression layer(QStringLiteral("^model\\.layers\\[(\\d+)\\]$"));
    if (freeze.isArray()) {
        const QJsonArray layers = freeze.toArray();
        for (qsizetype i = 0; i < layers.size(); ++i) {
            const QRegularExpressionMatch match = layer.match(layers[i].toString());
            if (match.hasMatch())
                f.freeze.append(match.captured(1).toInt());
            else
                r.error(QStringLiteral("freeze[%1]").arg(i),
                        QStringLiteral("must name a layer as model.layers[N]"));
        }
    } else if (!freeze.isUndefined()) {
        r.error(QStringLiteral("freeze"),
                QStringLiteral("must be a list of layers, e.g. [\"model.layers[0]\"]"));
    }
    if (f.run > 0 && !f.path.isEmpty())
        r.error(QStringLiteral("path"), QStringLiteral("give a run or a path, not both"));
    if (!f.enabled() && (!f.freeze.isEmpty() || f.trainLast > 0))
        r.error(QStringLiteral("run"),
                QStringLiteral("freezing layers needs weights to start from: set run or path"));
    if (!f.freeze.isEmpty() && f.trainLast > 0)
        r.error(QStringLiteral("train_last"),
                QStringLiteral("give freeze or train_last, not both"));
    r.finish();
}

QJsonObject initFromToJson(const InitFromSpec& from) {
    QJsonArray freeze;
    for (int layer : from.freeze)
        freeze.append(QStringLiteral("model.layers[%1]").arg(layer));
    QJsonObject json{{QStringLiteral("checkpoint"), from.checkpoint},
                     {QStringLiteral("freeze"), freeze},
                     {QStringLiteral("train_last"), from.trainLast}};
    if (from.run > 0)
        json.insert(QStringLiteral("run"), from.run);
    else
        json.insert(QStringLiteral("path"), from.path);
    return json;
}

} // namespace trainlab
