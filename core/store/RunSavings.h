#pragma once

#include "store/RunRecords.h"

#include <QMap>
#include <optional>

namespace trainlab {

/// What a run saved against a baseline run: the baseline's figure minus the run's (positive:
/// the run was cheaper), for each figure both runs have, and the change in accuracy (the run's
/// minus the baseline's) when both report the same accuracy metric.
struct RunSavings {
    std::optional<double> wallSeconds;
    std::optional<double> deviceHours;
    std::optional<double> energyJ;
    std::optional<double> cost;
    QString accuracyMetric;
    std::optional<double> accuracyChange;
};

/// From the run's start to its end (pauses included); nullopt for a run that has not ended.
std::optional<double> runWallSeconds(const RunRecord& run);

/// The accuracy runs are compared by: test_accuracy, else val_accuracy; empty when neither.
QString accuracyMetric(const QMap<QString, double>& finalMetrics);

/// `run` (its final metrics `runFinal`) against `baseline` (`baselineFinal`).
RunSavings savingsAgainst(const RunRecord& run, const QMap<QString, double>& runFinal,
                          const RunRecord& baseline, const QMap<QString, double>& baselineFinal);

/// `saved` over `of` (the baseline's figure): the fraction saved; nullopt when either is
/// unknown or the baseline's is 0.
std::optional<double> savedFraction(const std::optional<double>& saved,
                                    const std::optional<double>& of);

} // namespace trainlab
