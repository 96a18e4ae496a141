#pragma once
// A `show-sweep --json` report of six trials with known values, for the sweep view's tests.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace trainlab::test {

inline QJsonObject sweepTrial(int number, const char* status, double lr, const char* optimizer,
                              std::optional<double> accuracy,
                              std::optional<double> energy = std::nullopt) {
    QJsonObject metrics;
    if (accuracy)
        metrics.insert(QStringLiteral("val_accuracy"), *accuracy);
    if (energy)
        metrics.insert(QStringLiteral("energy_j"), *energy);
    return {{QStringLiteral("trial"), number},
            {QStringLiteral("run"), 100 + number},
            {QStringLiteral("status"), QString::fromLatin1(status)},
            {QStringLiteral("params"), QJsonObject{{QStringLiteral("training.optimizer.lr"), lr},
                                                   {QStringLiteral("training.optimizer.type"),
                                                    QString::fromLatin1(optimizer)}}},
            {QStringLiteral("metrics"), metrics},
            {QStringLiteral("error"), QJsonValue()}};
}

/// Six trials given out of order: completed ones (0.80, 0.91, 0.85, 0.91), one pruned with a
/// partial value, one failed without any.
inline QJsonObject sweepReport(const char* goal = "maximize") {
    return {
        {QStringLiteral("id"), 7},
        {QStringLiteral("name"), QStringLiteral("lr search")},
        {QStringLiteral("status"), QStringLiteral("completed")},
        {QStringLiteral("strategy"), QStringLiteral("random")},
        {QStringLiteral("objective"),
         QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("val_accuracy")},
                                {QStringLiteral("goal"), QString::fromLatin1(goal)}},
                    QJsonObject{{QStringLiteral("metric"), QStringLiteral("energy_j")},
                                {QStringLiteral("goal"), QStringLiteral("minimize")}}}},
        {QStringLiteral("trials"), QJsonArray{sweepTrial(3, "completed", 0.1, "sgd", 0.85, 30),
                                              sweepTrial(1, "completed", 0.001, "adam", 0.80, 10),
                                              sweepTrial(2, "completed", 0.01, "adam", 0.91, 20),
                                              sweepTrial(4, "pruned", 0.3, "sgd", 0.95),
                                              sweepTrial(5, "failed", 1.0, "sgd", std::nullopt),
                                              sweepTrial(6, "completed", 0.02, "sgd", 0.91, 25)}},
        {QStringLiteral("pareto"), QJsonArray{1, 2}},
        {QStringLiteral("importance"),
         QJsonObject{{QStringLiteral("training.optimizer.lr"), 0.25},
                     {QStringLiteral("training.optimizer.type"), 0.75}}}};
}

} // namespace trainlab::test
