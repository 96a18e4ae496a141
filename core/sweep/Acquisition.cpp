#include "sweep/Acquisition.h"

#include "sweep/BoxMinimizer.h"
#include "sweep/SobolSequence.h"
#include "sweep/SweepRandom.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace trainlab {

namespace {

const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * std::numbers::pi);
// Below this standardized improvement EI is computed from its asymptotic series: the direct
// formula φ(u) + uΦ(u) cancels to nothing there.
constexpr double kTailStart = -25.0;

/// log h(u) with h(u) = φ(u) + uΦ(u) = EI / σ, and d log h / du = Φ(u) / h(u) into `slope`.
double logH(double u, double& slope) {
    if (u > kTailStart) {
        const double cdf = 0.5 * std::erfc(-u / std::numbers::sqrt2);
        const double pdf = std::exp(-0.5 * u * u - kLogSqrtTwoPi);
        const double h = pdf + u * cdf;
        if (h > 0) {
            slope = cdf / h;
            return std::log(h);
        }
    }
    // u → −∞: with t = 1/u², h = φ(u) t (1 − 3t + 15t² − 105t³ + 945t⁴) and
    // Φ(u) = φ(u) |u|⁻¹ (1 − t + 3t² − 15t³ + 105t⁴).
    const double t = 1.0 / (u * u);
    const double hSeries = 1 - 3 * t + 15 * t * t - 105 * t * t * t + 945 * t * t * t * t;
    const double cdfSeries = 1 - t + 3 * t * t - 15 * t * t * t + 105 * t * t * t * t;
    slope = std::abs(u) * cdfSeries / hSeries;
    return -0.5 * u * u - kLogSqrtTwoPi + std::log(t) + std::log(hSeries);
}

} // namespace

double logExpectedImprovement(double mean, double variance, double best, double* dMean,
                              double* dVariance) {
    const double sigma = std::sqrt(std::max(variance, 1e-24));
    const double u = (best - mean) / sigma;
    double slope = 0;
    const double value = logH(u, slope) + std::log(sigma);
    if (dMean)
        *dMean = -slope / sigma;
    if (dVariance) // d/dσ = (1 − u slope) / σ, and dσ/dvar = 1 / (2σ)
        *dVariance = (1.0 - u * slope) / (2.0 * sigma * sigma);
    return value;
}

std::vector<double> expectedImprovement(const std::vector<double>& mean,
                                        const std::vector<double>& variance, double best,
                                        double xi) {
    std::vector<double> ei(mean.size());
    for (size_t i = 0; i < mean.size(); ++i)
        ei[i] = std::exp(logExpectedImprovement(mean[i] + xi, variance[i], best));
    return ei;
}

std::vector<double> maximizeExpectedImprovement(const GaussianProcess& gp, double best,
                                                const std::vector<std::vector<double>>& anchors,
                                                uint64_t seed, const AcquisitionOptions& options) {
    const int d = gp.inputs().cols();
    auto score = [&](const double* x) {
        double mean = 0;
        double variance = 0;
        gp.predict(x, mean, variance);
        return logExpectedImprovement(mean, variance, best);
    };

    std::vector<std::vector<double>> candidates;
    const SobolSequence sobol(d, seed);
    for (int i = 0; i < options.rawSamples; ++i)
        candidates.push_back(sobol.point(uint64_t(i)));
    SweepRandom random(seed ^ 0x9e3779b97f4a7c15ULL);
    const double scales[] = {0.2, 0.05, 0.01};
    for (const auto& anchor : anchors) {
        for (int i = 0; i < options.localSamples; ++i) {
            std::vector<double> x = anchor;
            const double scale = scales[size_t(i) % std::size(scales)];
            for (double& v : x)
                v = std::clamp(v + scale * random.normal(), 0.0, 1.0);
            candidates.push_back(std::move(x));
        }
    }
    std::vector<std::pair<double, size_t>> ranked;
    for (size_t i = 0; i < candidates.size(); ++i)
        ranked.emplace_back(score(candidates[i].data()), i);
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });

    // Refine the best candidates that are not near-copies of each other: several starts in one
    // basin waste the budget that another basin needs.
    std::vector<size_t> starts;
    for (const auto& [value, index] : ranked) {
        if (int(starts.size()) >= options.starts)
            break;
        const auto& x = candidates[index];
        const bool distinct = std::none_of(starts.begin(), starts.end(), [&](size_t s) {
            double far = 0;
            for (int c = 0; c < d; ++c)
                far = std::max(far, std::abs(candidates[s][size_t(c)] - x[size_t(c)]));
            return far < 1e-3;
        });
        if (distinct)
            starts.push_back(index);
    }

    std::vector<double> meanGradient(static_cast<size_t>(d));
    std::vector<double> varianceGradient(static_cast<size_t>(d));
    const SmoothObjective negative = [&](const std::vector<double>& x, std::vector<double>& g) {
        double mean = 0;
        double variance = 0;
        gp.predict(x.data(), mean, variance, meanGradient.data(), varianceGradient.data());
        double dMean = 0;
        double dVariance = 0;
        const double value = logExpectedImprovement(mean, variance, best, &dMean, &dVariance);
        for (int c = 0; c < d; ++c)
            g[size_t(c)] =
                -(dMean * meanGradient[size_t(c)] + dVariance * varianceGradient[size_t(c)]);
        return -value;
    };
    const std::vector<double> lower(size_t(d), 0.0);
    const std::vector<double> upper(size_t(d), 1.0);
    MinimizeOptions minimize;
    minimize.maxIterations = options.iterations;
    minimize.gradientTolerance = 1e-7;
    minimize.valueTolerance = 1e-9;
    std::vector<double> bestPoint = candidates[ranked.front().second];
    double bestValue = ranked.front().first;
    for (size_t index : starts) {
        const MinimizeResult result =
            minimizeInBox(negative, candidates[index], lower, upper, minimize);
        if (-result.value > bestValue) {
            bestValue = -result.value;
            bestPoint = result.x;
        }
    }
    return bestPoint;
}

} // namespace trainlab
