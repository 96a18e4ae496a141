#include "data/SyntheticData.h"

#include <cmath>
#include <numbers>
#include <optional>
#include <random>

namespace trainlab {

namespace {

// std::normal_distribution's algorithm is implementation-defined; Box-Muller over mt19937_64
// keeps the data identical across standard libraries.
class Gaussian {
public:
    explicit Gaussian(uint64_t seed)
        : engine_(seed) {}
    double uniform() { return (double(engine_() >> 11) + 0.5) * 0x1.0p-53; }
    double normal() {
        if (spare_) {
            const double value = *spare_;
            spare_.reset();
            return value;
        }
        const double radius = std::sqrt(-2.0 * std::log(uniform()));
        const double angle = 2.0 * std::numbers::pi * uniform();
        spare_ = radius * std::sin(angle);
        return radius * std::cos(angle);
    }

private:
    std::mt19937_64 engine_;
    std::optional<double> spare_;
};

constexpr double kSpiralTurns = 1.5;

TensorDataset spirals(const SyntheticSpec& spec, Gaussian& rng) {
    const int64_t n = spec.samples;
    auto features = torch::empty({n, 2}, torch::kFloat32);
    auto targets = torch::empty({n}, torch::kInt64);
    auto f = features.accessor<float, 2>();
    auto t = targets.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) {
        const int64_t cls = i % spec.classes;
        // Radius grows along the arm; each class is the same arm rotated by 2*pi/classes.
        const double r = rng.uniform();
        const double theta = r * kSpiralTurns * 2.0 * std::numbers::pi +
                             2.0 * std::numbers::pi * double(cls) / spec.classes;
        f[i][0] = float(r * std::cos(theta) + spec.noise * rng.normal());
        f[i][1] = float(r * std::sin(theta) + spec.noise * rng.normal());
        t[i] = cls;
    }
    return {features, targets};
}

TensorDataset blobs(const SyntheticSpec& spec, Gaussian& rng) {
    const int64_t n = spec.samples;
    const int64_t d = spec.features;
    auto centers = torch::empty({spec.classes, d}, torch::kFloat64);
    auto c = centers.accessor<double, 2>();
    for (int k = 0; k < spec.classes; ++k) {
        for (int64_t j = 0; j < d; ++j)
            c[k][j] = (rng.uniform() * 2.0 - 1.0) * 4.0;
    }
    auto features = torch::empty({n, d}, torch::kFloat32);
    auto targets = torch::empty({n}, torch::kInt64);
    auto f = features.accessor<float, 2>();
    auto t = targets.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) {
        const int64_t cls = i % spec.classes;
        for (int64_t j = 0; j < d; ++j)
            f[i][j] = float(c[cls][j] + (0.5 + spec.noise) * rng.normal());
        t[i] = cls;
    }
    return {features, targets};
}

// Two interleaving half circles (scikit-learn's make_moons).
TensorDataset moons(const SyntheticSpec& spec, Gaussian& rng) {
    const int64_t n = spec.samples;
    auto features = torch::empty({n, 2}, torch::kFloat32);
    auto targets = torch::empty({n}, torch::kInt64);
    auto f = features.accessor<float, 2>();
    auto t = targets.accessor<int64_t, 1>();
    for (int64_t i = 0; i < n; ++i) {
        const int64_t cls = i % 2;
        const double angle = std::numbers::pi * rng.uniform();
        const double x = cls == 0 ? std::cos(angle) : 1.0 - std::cos(angle);
        const double y = cls == 0 ? std::sin(angle) : 0.5 - std::sin(angle);
        f[i][0] = float(x + spec.noise * rng.normal());
        f[i][1] = float(y + spec.noise * rng.normal());
        t[i] = cls;
    }
    return {features, targets};
}

// y = w.x + sin(2 x0) + noise: mostly linear with a bend a linear model cannot fit.
TensorDataset regression(const SyntheticSpec& spec, Gaussian& rng) {
    const int64_t n = spec.samples;
    const int64_t d = spec.features;
    std::vector<double> weights(static_cast<size_t>(d));
    for (auto& w : weights)
        w = rng.normal();
    auto features = torch::empty({n, d}, torch::kFloat32);
    auto targets = torch::empty({n}, torch::kFloat32);
    auto f = features.accessor<float, 2>();
    auto t = targets.accessor<float, 1>();
    for (int64_t i = 0; i < n; ++i) {
        double y = 0;
        for (int64_t j = 0; j < d; ++j) {
            const double x = rng.uniform() * 4.0 - 2.0;
            f[i][j] = float(x);
            y += weights[size_t(j)] * x;
        }
        t[i] = float(y + std::sin(2.0 * f[i][0]) + spec.noise * rng.normal());
    }
    return {features, targets};
}

} // namespace

TensorDataset generateSynthetic(const SyntheticSpec& spec, uint64_t seed) {
    Gaussian rng(seed);
    if (spec.kind == QLatin1String("blobs"))
        return blobs(spec, rng);
    if (spec.kind == QLatin1String("moons"))
        return moons(spec, rng);
    if (spec.kind == QLatin1String("regression"))
        return regression(spec, rng);
    return spirals(spec, rng);
}

} // namespace trainlab
