#pragma once

#include <cstdint>
#include <vector>

namespace trainlab {

/// A scrambled Sobol sequence in [0, 1)^d: Joe and Kuo's direction numbers, each coordinate
/// Owen-scrambled (nested uniform scrambling, hashed from the seed) and filled below its 32 Sobol
/// bits with seeded random bits. Point i is a pure function of (seed, i), so a sweep's trial i
/// gets the same point whether it is proposed alone or in a batch. Any 2^m consecutive points
/// from the start stratify the cube far more evenly than independent draws, while each point is
/// still uniformly distributed. Coordinates past the table's dimensions are independent random.
class SobolSequence {
public:
    SobolSequence(int dimensions, uint64_t seed);
    int dimensions() const { return dimensions_; }
    /// The i-th point.
    std::vector<double> point(uint64_t index) const;
    /// The i-th point into `out` (dimensions() values).
    void point(uint64_t index, double* out) const;

    /// Dimensions with Sobol direction numbers; further ones are plain random.
    static int tableDimensions();

private:
    int dimensions_;
    uint64_t seed_;
};

} // namespace trainlab
