#pragma once

#include <optional>

namespace trainlab {

/// What PyTorch's CUDA caching allocator holds on one device, in bytes: what tensors use now,
/// what it has reserved from the driver (used or cached), and the most tensors used at once.
struct CudaAllocatorStats {
    double allocatedBytes = 0;
    double reservedBytes = 0;
    double peakAllocatedBytes = 0;
};

/// Whether this build can read the allocator: only a build against a CUDA LibTorch
/// (TRAINLAB_CUDA_ALLOCATOR_STATS); Debian's CPU LibTorch has no CUDA allocator.
bool cudaAllocatorStatsBuilt();

/// The allocator's figures for CUDA device `cudaIndex`; nullopt in a CPU build, without a
/// CUDA device at run time, or for a device it has not been initialized on.
std::optional<CudaAllocatorStats> cudaAllocatorStats(int cudaIndex);

} // namespace trainlab
