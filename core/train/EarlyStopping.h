#pragma once

#include "spec/ExperimentSpec.h"

namespace trainlab {

/// Stops training when a metric has not improved by more than min_delta for `patience`
/// evaluations. Whether larger is better follows the metric's name (accuracy up, loss down).
class EarlyStopping {
public:
    explicit EarlyStopping(const EarlyStoppingSpec& spec);
    bool enabled() const { return !spec_.metric.isEmpty(); }
    const QString& metric() const { return spec_.metric; }
    /// Records a value; returns true when training should stop.
    bool update(double value);
    int badEvaluations() const { return bad_; }
    double best() const { return best_; }
    bool hasBest() const { return hasBest_; }
    /// Restores the tracker (from a checkpoint).
    void restore(double best, bool hasBest, int bad) {
        best_ = best;
        hasBest_ = hasBest;
        bad_ = bad;
    }

private:
    EarlyStoppingSpec spec_;
    bool higherIsBetter_ = false;
    bool hasBest_ = false;
    double best_ = 0;
    int bad_ = 0;
};

} // namespace trainlab
