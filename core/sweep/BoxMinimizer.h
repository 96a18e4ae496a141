#pragma once

#include <functional>
#include <vector>

namespace trainlab {

/// A smooth objective: returns f(x) and writes ∇f(x) into `gradient` (already sized like x).
/// A non-finite value marks x as infeasible; the line search then steps back.
using SmoothObjective =
    std::function<double(const std::vector<double>& x, std::vector<double>& gradient)>;

struct MinimizeOptions {
    int maxIterations = 100;
    int history = 8;                 ///< L-BFGS memory (pairs of steps and gradient changes)
    double gradientTolerance = 1e-6; ///< stop when the projected gradient's largest entry is below
    double valueTolerance = 1e-10;   ///< stop when a step lowers f by less than this (relative)
};

struct MinimizeResult {
    std::vector<double> x;
    double value = 0;
    int iterations = 0;
    int evaluations = 0;
};

/// Minimizes `f` over the box [lower, upper] from `start` with projected L-BFGS: the quasi-Newton
/// direction on the variables not held at a bound, a projected backtracking (Armijo) line search,
/// and a fall-back to steepest descent whenever the direction stops descending. This is the
/// L-BFGS-B idea without its generalized Cauchy point, which for the small, smooth problems of a
/// sweep (GP hyperparameters, acquisition functions) converges as well at a fraction of the code.
MinimizeResult minimizeInBox(const SmoothObjective& f, std::vector<double> start,
                             const std::vector<double>& lower, const std::vector<double>& upper,
                             const MinimizeOptions& options = {});

} // namespace trainlab
