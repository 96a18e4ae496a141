#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace trainlab {

/// The sweep's random numbers: a seeded mt19937_64 with uniform and normal draws formed from its
/// bits here rather than by std::*_distribution, whose output differs between standard
/// libraries, so a seed proposes the same trials on every platform.
class SweepRandom {
public:
    explicit SweepRandom(uint64_t seed)
        : engine_(seed) {}
    /// Uniform in the open interval (0, 1).
    double uniform() { return (double(engine_() >> 11) + 0.5) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    /// Standard normal (Box–Muller; the second value of each pair is kept for the next call).
    double normal() {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        const double radius = std::sqrt(-2.0 * std::log(uniform()));
        const double angle = 2.0 * std::numbers::pi * uniform();
        spare_ = radius * std::sin(angle);
        hasSpare_ = true;
        return radius * std::cos(angle);
    }

private:
    std::mt19937_64 engine_;
    double spare_ = 0;
    bool hasSpare_ = false;
};

} // namespace trainlab
