#include "base/MetricPoint.h"

#include <QStringList>

namespace trainlab {

std::optional<bool> metricHigherIsBetter(const QString& name) {
    static const QStringList lower = {QStringLiteral("loss"), QStringLiteral("mse"),
                                      QStringLiteral("mae"), QStringLiteral("error")};
    static const QStringList higher = {QStringLiteral("accuracy"),  QStringLiteral("f1"),
                                       QStringLiteral("precision"), QStringLiteral("recall"),
                                       QStringLiteral("auc"),       QStringLiteral("r2")};
    for (const auto& word : lower) {
        if (name.endsWith(word))
            return false;
    }
    for (const auto& word : higher) {
        if (name.endsWith(word) || name.contains(word + QLatin1Char('_')))
            return true;
    }
    return std::nullopt;
}

} // namespace trainlab
