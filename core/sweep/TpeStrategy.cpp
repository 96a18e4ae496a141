#include "sweep/TpeStrategy.h"

#include "sweep/SweepRandom.h"
#include "util/SeedMix.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace trainlab {

namespace {

// Optuna's defaults: the prior component's weight, the bandwidth constant of its multivariate
// estimator, and the number of equally weighted recent observations.
constexpr double kPriorWeight = 1.0;
constexpr double kBandwidthMagnitude = 0.2;
constexpr size_t kFlatWeights = 25;
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * std::numbers::pi);

/// A searched parameter: a numeric one (one unit-cube slot) or a choice (`choices` > 0).
struct Dimension {
    size_t param;
    size_t offset; ///< into the space's encoding
    int choices = 0;
};

/// One observation in the estimator's terms: a unit value per numeric dimension, a choice index
/// per categorical one; NaN where the parameter was inactive.
using Sample = std::vector<double>;

double normalCdf(double z) {
    return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

/// A mixture of product kernels, one per observation plus the prior.
class ParzenEstimator {
public:
    ParzenEstimator(const std::vector<Dimension>& dims, const std::vector<Sample>& observations)
        : dims_(dims) {
        const size_t n = observations.size();
        // Optuna's default_weights: older observations fade once there are more than 25.
        const size_t ramp = n > kFlatWeights ? n - kFlatWeights : 0;
        for (size_t i = 0; i < n; ++i) {
            const double position = ramp > 1 ? double(i) / double(ramp - 1) : 0.0;
            weights_.push_back(i >= ramp ? 1.0
                                         : 1.0 / double(n) + (1.0 - 1.0 / double(n)) * position);
        }
        weights_.push_back(kPriorWeight);
        double total = 0;
        for (double w : weights_)
            total += w;
        for (double& w : weights_)
            w = std::log(w / total);
        // Scott-like bandwidth shrinking with n, clipped ("magic clip") to [1/(n + 2), 1].
        const double bandwidth =
            std::clamp(kBandwidthMagnitude *
                           std::pow(double(std::max<size_t>(n, 1)), -1.0 / double(dims.size() + 4)),
                       1.0 / std::min(100.0, double(n) + 2.0), 1.0);
        for (const Sample& s : observations)
            components_.push_back(makeComponent(s, bandwidth, n + 1));
        components_.push_back(makeComponent(Sample(dims.size(), NAN), 1.0, n + 1));
        // The prior: a wide normal at the centre (not uniform) for numeric dimensions.
        for (size_t j = 0; j < dims.size(); ++j)
            if (dims[j].choices == 0)
                components_.back()[j] = numericKernel(0.5, 1.0);
    }

    Sample sample(SweepRandom& random) const {
        double u = random.uniform();
        size_t k = 0;
        for (; k + 1 < components_.size(); ++k) {
            u -= std::exp(weights_[k]);
            if (u <= 0)
                break;
        }
        Sample s(dims_.size());
        for (size_t j = 0; j < dims_.size(); ++j) {
            const Kernel& kernel = components_[k][j];
            if (dims_[j].choices > 0) {
                double v = random.uniform();
                int c = 0;
                while (c + 1 < dims_[j].choices && (v -= kernel.probabilities[size_t(c)]) > 0)
                    ++c;
                s[j] = c;
            } else if (kernel.sigma <= 0) {
                s[j] = random.uniform();
            } else {
                // Rejection from the untruncated normal: μ lies in [0, 1], so at least ~38% of
                // draws land inside; clamp after many misses.
                double x = kernel.mu + kernel.sigma * random.normal();
                for (int tries = 0; (x < 0 || x > 1) && tries < 100; ++tries)
                    x = kernel.mu + kernel.sigma * random.normal();
                s[j] = std::clamp(x, 0.0, 1.0);
            }
        }
        return s;
    }

    double logPdf(const Sample& s) const {
        double maximum = -std::numeric_limits<double>::infinity();
        std::vector<double> terms(components_.size());
        for (size_t k = 0; k < components_.size(); ++k) {
            double value = weights_[k];
            for (size_t j = 0; j < dims_.size(); ++j) {
                const Kernel& kernel = components_[k][j];
                if (dims_[j].choices > 0) {
                    value += std::log(kernel.probabilities[size_t(s[j])]);
                } else if (kernel.sigma > 0) {
                    const double z = (s[j] - kernel.mu) / kernel.sigma;
                    value += -0.5 * z * z - kLogSqrtTwoPi - std::log(kernel.sigma) - kernel.logMass;
                }
            }
            terms[k] = value;
            maximum = std::max(maximum, value);
        }
        double sum = 0;
        for (double t : terms)
            sum += std::exp(t - maximum);
        return maximum + std::log(sum);
    }

private:
    struct Kernel {
        double mu = 0.5;
        double sigma = 0; ///< 0: uniform on [0, 1] (an inactive parameter)
        double logMass = 0;
        std::vector<double> probabilities;
    };

    static Kernel numericKernel(double mu, double sigma) {
        Kernel k;
        k.mu = mu;
        k.sigma = sigma;
        k.logMass =
            std::log(std::max(normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma), 1e-300));
        return k;
    }

    std::vector<Kernel> makeComponent(const Sample& s, double bandwidth, size_t kernels) const {
        std::vector<Kernel> component(dims_.size());
        for (size_t j = 0; j < dims_.size(); ++j) {
            if (dims_[j].choices > 0) {
                auto& p = component[j].probabilities;
                const double base = kPriorWeight / double(kernels);
                p.assign(size_t(dims_[j].choices), base);
                if (!std::isnan(s[j]))
                    p[size_t(s[j])] += 1.0;
                double total = 0;
                for (double v : p)
                    total += v;
                for (double& v : p)
                    v /= total;
            } else if (!std::isnan(s[j])) {
                component[j] = numericKernel(s[j], bandwidth);
            }
        }
        return component;
    }

    const std::vector<Dimension>& dims_;
    std::vector<double> weights_; ///< log weights, the prior's last
    std::vector<std::vector<Kernel>> components_;
};

} // namespace

TpeStrategy::TpeStrategy(const SearchSpace& space, uint64_t seed, int initialPoints, int candidates)
    : space_(space)
    , seed_(seed)
    , initialPoints_(std::max(2, initialPoints))
    , candidates_(std::max(1, candidates))
    , sobol_(initialDesign(space, seed)) {}

std::vector<SweepPoint> TpeStrategy::propose(int count, const std::vector<Observation>& observed,
                                             const std::vector<SweepPoint>& pending) {
    const auto done = uint64_t(observed.size() + pending.size());
    std::vector<Dimension> dims;
    size_t offset = 0;
    for (size_t p = 0; p < space_.params().size(); ++p) {
        const SweepParam& param = space_.params()[p];
        if (param.encodedWidth() > 0)
            dims.push_back({p, offset, param.kind == ParamKind::Choice ? param.encodedWidth() : 0});
        offset += size_t(param.encodedWidth());
    }
    auto toSample = [&](const SweepPoint& point) {
        const std::vector<double> unit = space_.encode(point);
        Sample s(dims.size(), NAN);
        for (size_t j = 0; j < dims.size(); ++j) {
            const SweepParam& param = space_.params()[dims[j].param];
            if (!point.contains(param.path))
                continue;
            if (dims[j].choices == 0) {
                s[j] = std::clamp(unit[dims[j].offset], 0.0, 1.0);
            } else {
                s[j] = double(std::max_element(unit.begin() + std::ptrdiff_t(dims[j].offset),
                                               unit.begin() + std::ptrdiff_t(dims[j].offset) +
                                                   dims[j].choices) -
                              (unit.begin() + std::ptrdiff_t(dims[j].offset)));
            }
        }
        return s;
    };
    auto toPoint = [&](const Sample& s) {
        std::vector<double> unit(size_t(space_.encodedDimensions()), 0.0);
        for (size_t j = 0; j < dims.size(); ++j) {
            if (dims[j].choices == 0)
                unit[dims[j].offset] = s[j];
            else
                unit[dims[j].offset + size_t(s[j])] = 1.0;
        }
        return space_.decode(unit);
    };

    // Chronological samples with their objectives; failed trials have none.
    std::vector<std::pair<Sample, std::optional<double>>> history;
    int scored = 0;
    for (const auto& o : observed) {
        const bool ok = o.objective && std::isfinite(*o.objective);
        history.emplace_back(toSample(o.point), ok ? o.objective : std::nullopt);
        scored += ok ? 1 : 0;
    }
    std::vector<SweepPoint> next;
    if (scored < initialPoints_ || dims.empty()) {
        for (int i = 0; i < count; ++i)
            next.push_back(space_.decode(sobol_.point(done + uint64_t(i))));
        return next;
    }
    for (const auto& p : pending)
        history.emplace_back(toSample(p), std::nullopt);

    for (int i = 0; i < count; ++i) {
        const auto n = int(history.size());
        const int below = std::clamp(int(std::ceil(0.1 * n)), 1, std::min(25, scored));
        std::vector<size_t> order;
        for (size_t k = 0; k < history.size(); ++k)
            if (history[k].second)
                order.push_back(k);
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return *history[a].second < *history[b].second;
        });
        std::vector<bool> good(history.size(), false);
        for (int k = 0; k < below; ++k)
            good[order[size_t(k)]] = true;
        std::vector<Sample> goodSamples;
        std::vector<Sample> poorSamples;
        for (size_t k = 0; k < history.size(); ++k)
            (good[k] ? goodSamples : poorSamples).push_back(history[k].first);
        const ParzenEstimator l(dims, goodSamples);
        const ParzenEstimator g(dims, poorSamples);

        SweepRandom random(mixSeed(seed_ ^ 0x7be5ULL, done + uint64_t(i)));
        Sample best;
        double bestScore = -std::numeric_limits<double>::infinity();
        for (int c = 0; c < candidates_; ++c) {
            Sample s = l.sample(random);
            const double score = l.logPdf(s) - g.logPdf(s);
            if (score > bestScore) {
                bestScore = score;
                best = std::move(s);
            }
        }
        next.push_back(toPoint(best));
        history.emplace_back(toSample(next.back()), std::nullopt); // the liar: a poor result
    }
    return next;
}

} // namespace trainlab
