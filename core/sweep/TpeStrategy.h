#pragma once

#include "sweep/SweepStrategy.h"

namespace trainlab {

/// The tree-structured Parzen estimator (Bergstra et al. 2011), multivariate as in Optuna's
/// TPESampler(multivariate=True) with its defaults: after `initialPoints` trials of the shared
/// Sobol design, observations are split into the best γ(n) = min(⌈n/10⌉, 25) and the rest; a
/// Parzen estimator is built over each group (a product kernel per observation: a truncated
/// normal per numeric parameter in the unit-cube encoding, so log parameters are on their log
/// scale, a smoothed categorical per choice, plus one wide prior component), and of 24 points
/// drawn from the good group's estimator the one with the largest density ratio l(x)/g(x) is
/// proposed. Failed trials, pending trials and points just proposed in the same batch join the
/// poor group, which steers the search away from them.
class TpeStrategy : public SweepStrategy {
public:
    TpeStrategy(const SearchSpace& space, uint64_t seed, int initialPoints = 10,
                int candidates = 24);
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;

private:
    const SearchSpace& space_;
    uint64_t seed_;
    int initialPoints_;
    int candidates_;
    SobolSequence sobol_;
};

} // namespace trainlab
