#pragma once

#include "sweep/DenseMatrix.h"
#include "sweep/SearchSpace.h"
#include "sweep/SweepStrategy.h"

#include <vector>

namespace trainlab {

/// Observations as the Bayesian strategy's Gaussian process sees them: each point in the
/// space's unit-cube encoding (log-uniform and log-scaled integer parameters on their log scale,
/// so a learning rate's decades are equally wide), objectives standardized to mean 0 and
/// standard deviation 1. A failed trial enters at the worst standardized value seen: the model
/// then predicts poor results around it, which steers the search away without a second
/// (feasibility) model to fit.
struct SurrogateData {
    DenseMatrix x;
    std::vector<double> y;
    std::vector<std::vector<double>> best; ///< the scored points, best first (up to 5)
    double bestY = 0;                      ///< the best standardized objective
    int scored = 0;                        ///< observations with a finite objective
};

/// Past this many observations the GP keeps the best half of them and the most recent rest: a
/// fit costs O(n³), and a few hundred points already pin the model down.
constexpr size_t kMaxSurrogatePoints = 300;

/// `observed` in that form; empty (scored = 0) when no trial produced an objective.
SurrogateData surrogateData(const SearchSpace& space, const std::vector<Observation>& observed);

} // namespace trainlab
