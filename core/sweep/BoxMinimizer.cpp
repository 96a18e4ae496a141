#include "sweep/BoxMinimizer.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace trainlab {

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += a[i] * b[i];
    return sum;
}

struct Correction {
    std::vector<double> s; ///< x_{k+1} - x_k
    std::vector<double> y; ///< g_{k+1} - g_k
    double rho;            ///< 1 / (yᵀs)
};

/// -H g by the two-loop recursion, restricted to the free variables.
std::vector<double> quasiNewtonDirection(const std::deque<Correction>& history,
                                         const std::vector<double>& gradient,
                                         const std::vector<bool>& fixed) {
    std::vector<double> q = gradient;
    for (size_t i = 0; i < q.size(); ++i)
        if (fixed[i])
            q[i] = 0;
    std::vector<double> alpha(history.size());
    for (size_t k = history.size(); k-- > 0;) {
        alpha[k] = history[k].rho * dot(history[k].s, q);
        for (size_t i = 0; i < q.size(); ++i)
            q[i] -= alpha[k] * history[k].y[i];
    }
    if (!history.empty()) {
        const Correction& last = history.back();
        const double gamma = dot(last.s, last.y) / dot(last.y, last.y);
        for (double& v : q)
            v *= gamma;
    }
    for (size_t k = 0; k < history.size(); ++k) {
        const double beta = history[k].rho * dot(history[k].y, q);
        for (size_t i = 0; i < q.size(); ++i)
            q[i] += history[k].s[i] * (alpha[k] - beta);
    }
    for (size_t i = 0; i < q.size(); ++i)
        q[i] = fixed[i] ? 0.0 : -q[i];
    return q;
}

} // namespace

MinimizeResult minimizeInBox(const SmoothObjective& f, std::vector<double> start,
                             const std::vector<double>& lower, const std::vector<double>& upper,
                             const MinimizeOptions& options) {
    const size_t n = start.size();
    auto project = [&](std::vector<double>& x) {
        for (size_t i = 0; i < n; ++i)
            x[i] = std::clamp(x[i], lower[i], upper[i]);
    };
    MinimizeResult result;
    result.x = std::move(start);
    project(result.x);
    std::vector<double> gradient(n, 0.0);
    result.value = f(result.x, gradient);
    result.evaluations = 1;
    if (!std::isfinite(result.value)) {
        result.value = std::numeric_limits<double>::infinity();
        return result;
    }
    std::deque<Correction> history;
    std::vector<double> trial(n);
    std::vector<double> trialGradient(n);
    std::vector<bool> fixed(n);
    for (; result.iterations < options.maxIterations; ++result.iterations) {
        // Converged when a projected steepest-descent step would barely move.
        double projectedGradient = 0;
        for (size_t i = 0; i < n; ++i) {
            const double moved = std::clamp(result.x[i] - gradient[i], lower[i], upper[i]);
            projectedGradient = std::max(projectedGradient, std::abs(moved - result.x[i]));
            fixed[i] = (result.x[i] <= lower[i] && gradient[i] > 0) ||
                       (result.x[i] >= upper[i] && gradient[i] < 0);
        }
        if (projectedGradient < options.gradientTolerance)
            break;
        std::vector<double> direction = quasiNewtonDirection(history, gradient, fixed);
        double slope = dot(direction, gradient);
        if (!(slope < 0)) { // not a descent direction: forget the curvature and go downhill
            history.clear();
            direction = quasiNewtonDirection(history, gradient, fixed);
            slope = dot(direction, gradient);
            if (!(slope < 0))
                break;
        }
        double step = 1.0;
        if (history.empty()) { // no curvature yet: a first step of unit length at most
            double norm = 0;
            for (double v : direction)
                norm = std::max(norm, std::abs(v));
            step = std::min(1.0, 1.0 / norm);
        }
        bool accepted = false;
        double trialValue = 0;
        for (int attempt = 0; attempt < 30; ++attempt) {
            for (size_t i = 0; i < n; ++i)
                trial[i] = result.x[i] + step * direction[i];
            project(trial);
            double decrease = 0; // gᵀ(trial - x), the first-order change along the projected step
            bool moved = false;
            for (size_t i = 0; i < n; ++i) {
                decrease += gradient[i] * (trial[i] - result.x[i]);
                moved = moved || trial[i] != result.x[i];
            }
            if (!moved)
                break;
            trialValue = f(trial, trialGradient);
            ++result.evaluations;
            if (std::isfinite(trialValue) && trialValue <= result.value + 1e-4 * decrease) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if (!accepted) {
            if (history.empty())
                break;
            history.clear(); // retry from here along the (projected) gradient
            continue;
        }
        Correction c{std::vector<double>(n), std::vector<double>(n), 0.0};
        for (size_t i = 0; i < n; ++i) {
            c.s[i] = trial[i] - result.x[i];
            c.y[i] = trialGradient[i] - gradient[i];
        }
        const double sy = dot(c.s, c.y);
        if (sy > 1e-10 * dot(c.y, c.y)) { // keep the update only where it is positive definite
            c.rho = 1.0 / sy;
            history.push_back(std::move(c));
            if (int(history.size()) > options.history)
                history.pop_front();
        }
        const double previous = result.value;
        result.x = trial;
        result.value = trialValue;
        gradient = trialGradient;
        if (previous - trialValue <= options.valueTolerance * std::max(1.0, std::abs(previous)))
            break;
    }
    return result;
}

} // namespace trainlab
