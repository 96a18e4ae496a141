#include "train/EarlyStopping.h"

#include "base/MetricPoint.h"

namespace trainlab {

EarlyStopping::EarlyStopping(const EarlyStoppingSpec& spec)
    : spec_(spec)
    , higherIsBetter_(metricHigherIsBetter(spec.metric).value_or(false)) {}

bool EarlyStopping::update(double value) {
    if (!enabled())
        return false;
    const bool improved = !hasBest_ || (higherIsBetter_ ? value > best_ + spec_.minDelta
                                                        : value < best_ - spec_.minDelta);
    if (improved) {
        best_ = value;
        hasBest_ = true;
        bad_ = 0;
        return false;
    }
    return ++bad_ >= spec_.patience;
}

} // namespace trainlab
