#include "sweep/SobolSequence.h"

#include "util/SeedMix.h"

#include <array>
#include <cstddef>

namespace trainlab {

namespace {

// Direction numbers for dimensions 2 to 40 from S. Joe and F. Y. Kuo, "Constructing Sobol
// sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654,
// file new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/, Copyright (c) 2008,
// Frances Y. Kuo and Stephen Joe, redistributed under its BSD-style licence): the degree s of
// the primitive polynomial, its middle coefficients a, and the initial numbers m_1..m_s.
// Dimension 1 is the van der Corput sequence.
struct DirectionRow {
    int s;
    uint32_t a;
    std::array<uint32_t, 8> m;
};
constexpr std::array<DirectionRow, 39> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
}};

constexpr int kBits = 32;
constexpr int kTableDimensions = int(kJoeKuo.size()) + 1;

using Directions = std::array<std::array<uint32_t, kBits>, kTableDimensions>;

/// v[dim][b]: the direction number XORed in when bit b of the index is set (as a 32-bit
/// fraction, most significant bit first).
const Directions& directions() {
    static const Directions table = [] {
        Directions v{};
        for (int b = 0; b < kBits; ++b)
            v[0][size_t(b)] = uint32_t(1) << (kBits - 1 - b);
        for (int dim = 1; dim < kTableDimensions; ++dim) {
            const DirectionRow& row = kJoeKuo[size_t(dim - 1)];
            auto& out = v[size_t(dim)];
            for (int i = 1; i <= kBits; ++i) { // i is the 1-based bit of the recurrence
                uint32_t value;
                if (i <= row.s) {
                    value = row.m[size_t(i - 1)] << (kBits - i);
                } else {
                    value = out[size_t(i - row.s - 1)] ^ (out[size_t(i - row.s - 1)] >> row.s);
                    for (int k = 1; k < row.s; ++k)
                        if ((row.a >> (row.s - 1 - k)) & 1U)
                            value ^= out[size_t(i - k - 1)];
                }
                out[size_t(i - 1)] = value;
            }
        }
        return v;
    }();
    return table;
}

/// Nested uniform (Owen) scrambling of a 32-bit fraction: each bit is flipped or not by a
/// hash of the bits above it, so every subinterval of every level gets its own random swap.
/// That keeps the net's stratification while making each point uniformly distributed.
uint32_t owenScramble(uint32_t value, uint64_t seed) {
    uint32_t result = 0;
    for (int depth = 0; depth < kBits; ++depth) {
        const int bit = kBits - 1 - depth;
        // The prefix (the bits above `bit`) with a marker bit on top, unique per tree node.
        const uint64_t prefix = depth == 0 ? 0 : uint64_t(value >> (bit + 1));
        const uint64_t node = (uint64_t(1) << depth) | prefix;
        const uint32_t flip = uint32_t(mixSeed(seed, node) >> 63);
        result |= (((value >> bit) & 1U) ^ flip) << bit;
    }
    return result;
}

} // namespace

SobolSequence::SobolSequence(int dimensions, uint64_t seed)
    : dimensions_(dimensions)
    , seed_(seed) {}

int SobolSequence::tableDimensions() {
    return kTableDimensions;
}

std::vector<double> SobolSequence::point(uint64_t index) const {
    std::vector<double> out(static_cast<size_t>(dimensions_));
    point(index, out.data());
    return out;
}

void SobolSequence::point(uint64_t index, double* out) const {
    const Directions& v = directions();
    for (int dim = 0; dim < dimensions_; ++dim) {
        const uint64_t dimSeed = mixSeed(seed_, uint64_t(dim));
        // The 21 bits below the 32 Sobol bits: random, as the scrambled sequence's lower digits
        // are; they also break ties between points of one stratum.
        const uint64_t low = mixSeed(dimSeed ^ 0x5bd1e995ULL, index) >> 43;
        if (dim >= kTableDimensions) {
            out[dim] = (double(mixSeed(dimSeed, index) >> 11) + 0.5) * 0x1.0p-53;
            continue;
        }
        uint32_t x = 0;
        const uint64_t sobolIndex = index & 0xffffffffULL;
        for (int b = 0; b < kBits && (sobolIndex >> b) != 0; ++b)
            if ((sobolIndex >> b) & 1U)
                x ^= v[size_t(dim)][size_t(b)];
        // Past 2^32 points, a fresh scramble per block keeps the points distinct.
        const uint32_t scrambled = owenScramble(x, dimSeed ^ (index >> 32));
        out[dim] = (double((uint64_t(scrambled) << 21) | low) + 0.5) * 0x1.0p-53;
    }
}

} // namespace trainlab
