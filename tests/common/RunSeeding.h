#pragma once

// Workspaces filled through the store's writer, without training: runs with a name, a final
// status, hyperparameters, a spec and metric curves, sweeps with trials. For the runs table's
// tests, which need many runs in milliseconds.
#include "store/StoreWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QVector>

namespace trainlab::test {

struct SeededRun {
    QString name;
    RunStatus status = RunStatus::Completed;
    QJsonObject params;
    double lr = 0.01; ///< the spec's training.optimizer.lr
    /// Each metric logs three steps: the last is `value`, the first is the worst of the three
    /// by 0.2 and the middle one the best by 0.1 (so final and best differ).
    QMap<QString, double> metrics;
    qint64 sweep = 0;
    int trial = 0;
};

inline QString seededSpec(const SeededRun& run) {
    const QJsonObject spec{
        {QStringLiteral("name"), run.name},
        {QStringLiteral("training"),
         QJsonObject{{QStringLiteral("optimizer"), QJsonObject{{QStringLiteral("lr"), run.lr}}}}}};
    return QString::fromUtf8(QJsonDocument(spec).toJson(QJsonDocument::Compact));
}

inline SeededRun named(const QString& name, RunStatus status = RunStatus::Completed) {
    SeededRun run;
    run.name = name;
    run.status = status;
    return run;
}

/// Stores the run (started and ended in this process) and returns its id.
inline qint64 seedRun(StoreWriter& store, const SeededRun& run) {
    const RunPlace place = store.startRun(
        {run.name, seededSpec(run), run.params, run.sweep, run.trial}, QStringLiteral("cpu"));
    QVector<MetricPoint> points;
    for (auto it = run.metrics.cbegin(); it != run.metrics.cend(); ++it) {
        // Lower is better for losses and errors, higher for the rest.
        const bool lower = metricHigherIsBetter(it.key()) == std::optional<bool>(false);
        const double worse = lower ? 0.2 : -0.2;
        const double better = lower ? -0.1 : 0.1;
        points.append({place.id, 1, 0.1, it.key(), it.value() + worse, 0});
        points.append({place.id, 2, 0.2, it.key(), it.value() + better, 0});
        points.append({place.id, 3, 0.3, it.key(), it.value(), 0});
    }
    store.appendMetrics(points);
    if (run.status != RunStatus::Running)
        store.finishRun({place.id, run.status, {}, {}, {}, {}, {}, {}});
    return place.id;
}

/// A sweep of `trials` trials named `<name>-trial-<n>`, each with val_accuracy 0.5 + n/100;
/// ended `completed`. Returns the sweep's id; the trials' ids go to `trialIds` when given.
inline qint64 seedSweep(StoreWriter& store, const QString& name, int trials,
                        QList<qint64>* trialIds = nullptr) {
    const QJsonObject objective{{QStringLiteral("metric"), QStringLiteral("val_accuracy")},
                                {QStringLiteral("goal"), QStringLiteral("maximize")}};
    const QJsonObject spec{{QStringLiteral("name"), name},
                           {QStringLiteral("sweep"),
                            QJsonObject{{QStringLiteral("objective"), QJsonArray{objective}}}}};
    const qint64 sweep =
        store.createSweep({name, QStringLiteral("random"), spec, QJsonObject{}, QJsonArray{}});
    for (int trial = 1; trial <= trials; ++trial) {
        SeededRun run;
        run.name = QStringLiteral("%1-trial-%2").arg(name).arg(trial);
        run.params = {{QStringLiteral("training.optimizer.lr"), 0.001 * trial}};
        run.metrics = {{QStringLiteral("val_accuracy"), 0.5 + trial / 100.0}};
        run.sweep = sweep;
        run.trial = trial;
        const qint64 id = seedRun(store, run);
        if (trialIds)
            trialIds->append(id);
    }
    store.setSweepStatus(sweep, RunStatus::Completed);
    return sweep;
}

} // namespace trainlab::test
