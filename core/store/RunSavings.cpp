#include "store/RunSavings.h"

#include <QDateTime>

namespace trainlab {

namespace {

std::optional<double> difference(const std::optional<double>& baseline,
                                 const std::optional<double>& run) {
    if (!baseline || !run)
        return std::nullopt;
    return *baseline - *run;
}

} // namespace

std::optional<double> runWallSeconds(const RunRecord& run) {
    const QDateTime started = QDateTime::fromString(run.started, Qt::ISODateWithMs);
    const QDateTime ended = QDateTime::fromString(run.ended, Qt::ISODateWithMs);
    if (!started.isValid() || !ended.isValid())
        return std::nullopt;
    return double(started.msecsTo(ended)) / 1000.0;
}

QString accuracyMetric(const QMap<QString, double>& finalMetrics) {
    for (const QString& name : {QStringLiteral("test_accuracy"), QStringLiteral("val_accuracy")})
        if (finalMetrics.contains(name))
            return name;
    return {};
}

RunSavings savingsAgainst(const RunRecord& run, const QMap<QString, double>& runFinal,
                          const RunRecord& baseline, const QMap<QString, double>& baselineFinal) {
    RunSavings s;
    s.wallSeconds = difference(runWallSeconds(baseline), runWallSeconds(run));
    s.deviceHours = difference(baseline.deviceHours, run.deviceHours);
    s.energyJ = difference(baseline.energyJ, run.energyJ);
    s.cost = difference(baseline.cost, run.cost);
    const QString metric = accuracyMetric(runFinal);
    if (!metric.isEmpty() && metric == accuracyMetric(baselineFinal)) {
        s.accuracyMetric = metric;
        s.accuracyChange = runFinal.value(metric) - baselineFinal.value(metric);
    }
    return s;
}

std::optional<double> savedFraction(const std::optional<double>& saved,
                                    const std::optional<double>& of) {
    if (!saved || !of || *of == 0)
        return std::nullopt;
    return *saved / *of;
}

} // namespace trainlab
