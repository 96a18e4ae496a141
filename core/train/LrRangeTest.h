#pragma once

#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <QVector>
#include <atomic>
#include <functional>
#include <optional>

namespace trainlab {

struct DatasetSplits;

/// How a learning-rate range test sweeps: `steps` optimizer steps from `minLr` to `maxLr`,
/// the rate growing by the same factor each step, stopped early once the smoothed loss passes
/// `divergence` times its lowest value.
struct LrRangeOptions {
    double minLr = 1e-7;
    double maxLr = 10;
    int steps = 100;
    double smoothing = 0.98; ///< weight of the running average (debiased, as in Adam)
    double divergence = 4;
    int cpuThreads = 0; ///< 0: every core
};

/// One step of the test: the rate it used, its loss and the smoothed loss so far.
struct LrRangePoint {
    double lr = 0;
    double loss = 0;
    double smoothed = 0;
};

struct LrRangeResult {
    QVector<LrRangePoint> points;
    /// Where the smoothed loss falls fastest against log(lr), before its minimum: a rate that
    /// still trains quickly and stably (nothing when the loss never fell).
    std::optional<double> suggestedLr;
    std::optional<double> minimumLossLr; ///< the rate of the lowest smoothed loss
    bool diverged = false;               ///< stopped early: the loss blew up
    double seconds = 0;

    QJsonObject toJson() const;
};

/// Throws InputError naming the option (--min-lr, --max-lr, --steps) that cannot be.
void checkLrRangeOptions(const LrRangeOptions& options);

/// Trains the spec's model (seeded, as a run would build it) on the training split with the
/// spec's optimizer, loss and batch size, at a rate that grows exponentially from minLr to
/// maxLr, and records the loss at each step. Nothing is stored and the model is thrown away.
/// `progress` (may be empty) hears each step; `cancel` stops between steps. Bad options throw
/// InputError naming them.
LrRangeResult lrRangeTest(const ExperimentSpec& spec, const DatasetSplits& data,
                          const LrRangeOptions& options,
                          const std::function<void(int step, const LrRangePoint&)>& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

/// The same on the spec's own data, read here (torch-free callers: the CLI, the job layer).
LrRangeResult
lrRangeTestOfSpec(const ExperimentSpec& spec, const LrRangeOptions& options,
                  const std::function<void(int step, const LrRangePoint&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

/// The suggestion from a curve alone (see LrRangeResult::suggestedLr); exposed for tests.
std::optional<double> steepestDescentLr(const QVector<LrRangePoint>& points);

} // namespace trainlab
