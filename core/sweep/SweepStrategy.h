#pragma once

#include "sweep/GaussianProcess.h"
#include "sweep/SearchSpace.h"

#include <memory>
#include <optional>

namespace trainlab {

/// A finished (or failed) trial as the strategies see it: its point and, when it produced one,
/// the objective to minimize (maximized metrics enter negated).
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

/// Independent seeded samples: trial i always gets the same point for the same seed.
class RandomStrategy : public SweepStrategy {
public:
    RandomStrategy(const SearchSpace& space, uint64_t seed)
        : space_(space)
        , seed_(seed) {}
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;

private:
    const SearchSpace& space_;
    uint64_t seed_;
};

/// Gaussian-process Bayesian optimization: random points for the first `initialPoints` trials,
/// then expected improvement maximized over many random candidates refined locally around the
/// best ones. Several proposals at once use the constant liar: each pending or just-proposed
/// point is assumed to score the best value seen, which pushes the next proposal elsewhere.
class BayesianStrategy : public SweepStrategy {
public:
    BayesianStrategy(const SearchSpace& space, uint64_t seed, int initialPoints = 8,
                     int candidates = 2000);
    std::vector<SweepPoint> propose(int count, const std::vector<Observation>& observed,
                                    const std::vector<SweepPoint>& pending) override;
    /// Per-parameter importance from the fitted length scales (shorter: more important),
    /// normalized to sum 1; empty before the first fit.
    QJsonObject importance() const;

private:
    std::vector<double> maximizeEi(const GaussianProcess& gp, double best, uint64_t seed) const;

    const SearchSpace& space_;
    uint64_t seed_;
    int initialPoints_;
    int candidates_;
    GaussianProcess gp_;
    bool fitted_ = false;
};

/// Per-parameter importance of the objective: a GP fitted to the observations, each parameter
/// scored by its inverse length scale (shorter: the objective changes faster along it),
/// normalized to sum 1. Empty with fewer than 3 scored observations.
QJsonObject parameterImportance(const SearchSpace& space, const std::vector<Observation>& observed,
                                uint64_t seed = 0);

/// The strategy a sweep names: grid, random or bayesian.
std::unique_ptr<SweepStrategy> makeStrategy(const QString& name, const SearchSpace& space,
                                            uint64_t seed, int gridSteps, int initialPoints);

} // namespace trainlab
