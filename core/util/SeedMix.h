#pragma once

#include <cstdint>

namespace trainlab {

/// splitmix64 over a (seed, index) pair: nearby pairs get unrelated seeds, so per-epoch,
/// per-batch and per-trial random streams are independent yet reproducible.
inline uint64_t mixSeed(uint64_t seed, uint64_t index) {
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + index + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace trainlab
