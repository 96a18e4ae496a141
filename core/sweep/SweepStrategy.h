#pragma once

#include "sweep/GaussianProcess.h"
#include "sweep/SearchSpace.h"
#include "sweep/SobolSequence.h"

#include <memory>
#include <optional>

namespace trainlab {

/// A finished (or failed) trial as the strategies see it: its point and, when it produced one,
/// the objective to minimize (maximized metrics enter negated). A failed trial has none.
struct Observation {
    SweepPoint point;
    std::optional<double> objective;
};

/// Proposes the next points of a sweep from what has been observed so far.
class SweepStrategy {
public:
    virtual ~SweepStrategy() = default;
    /// Up to `count` new points; fewer (or none) when the strategy is exhausted (a grid).
    /// `pending` are points proposed earlier whose trials are still running.
    virtual std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                            const std::vector<SweepPoint>& pending) = 0;
};

/// Every grid point once, in order.
class GridStrategy : public SweepStrategy {
public:
    explicit GridStrategy(std::vector<SweepPoint> points)
        : points_(std::move(points)) {}
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;

private:
    std::vector<SweepPoint> points_;
};

/// Quasi-random search: trial i gets point i of a scrambled Sobol sequence of the space's
/// encoding (log-uniform where declared), so the same seed gives the same trial i whatever the
/// batch sizes, and the trials cover the space more evenly than independent draws.
class RandomStrategy : public SweepStrategy {
public:
    RandomStrategy(const SearchSpace& space, uint64_t seed);
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;

private:
    const SearchSpace& space_;
    SobolSequence sobol_;
};

/// Gaussian-process Bayesian optimization. The first `initialPoints` trials come from the same
/// scrambled Sobol design as the random strategy; then a GP (Matern 5/2, a length scale per
/// encoded dimension, in the unit-cube encoding where log parameters are already on a log
/// scale) is fitted to the standardized objectives, and log expected improvement is maximized
/// from many candidates by multi-start L-BFGS-B. The GP's prior mean is a constant plus a
/// bowl centred on the middle of the space, both fitted to the data: where the edges of the
/// space score poorly the model stops expecting its empty corners to be promising, which is
/// where plain EI spends many trials in a few dimensions (and where the edges score well, the
/// fitted bowl turns over and says so). Failed trials enter the model at the worst value
/// observed, so the search learns to avoid their region. Several proposals at once use the
/// constant liar: each pending or just-proposed point is assumed to score the best value seen,
/// which pushes the next proposal elsewhere.
class BayesianStrategy : public SweepStrategy {
public:
    BayesianStrategy(const SearchSpace& space, uint64_t seed, int initialPoints = 8);
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;
    /// Per-parameter importance from the fitted length scales (shorter: more important),
    /// normalized to sum 1; empty before the first fit.
    QJsonObject importance() const;

private:
    const SearchSpace& space_;
    uint64_t seed_;
    int initialPoints_;
    SobolSequence sobol_;
    GaussianProcess gp_{GpMean::Quadratic};
    int fits_ = 0;
};

/// Per-parameter importance of the objective: a GP fitted to the observations, each parameter
/// scored by its inverse length scale (shorter: the objective changes faster along it),
/// normalized to sum 1. Empty with fewer than 3 scored observations.
QJsonObject parameterImportance(const SearchSpace& space, const std::vector<Observation>& observed,
                                uint64_t seed = 0);

/// The strategy a sweep names: grid, random, bayesian or tpe.
std::unique_ptr<SweepStrategy> makeStrategy(const QString& name, const SearchSpace& space,
                                            uint64_t seed, int gridSteps, int initialPoints);

/// The scrambled Sobol sequence the random strategy and the model-based strategies' initial
/// designs share for `seed`.
SobolSequence initialDesign(const SearchSpace& space, uint64_t seed);

} // namespace trainlab
