#include "telemetry/CudaAllocatorStats.h"

// Compiled against torch only in a CUDA build (core/CMakeLists.txt sets the define and the
// include path then); the CPU build keeps torch off this floor altogether.
#ifdef TRAINLAB_CUDA_ALLOCATOR_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace trainlab {

bool cudaAllocatorStatsBuilt() {
#ifdef TRAINLAB_CUDA_ALLOCATOR_STATS
    return true;
#else
    return false;
#endif
}

std::optional<CudaAllocatorStats> cudaAllocatorStats(int cudaIndex) {
#ifdef TRAINLAB_CUDA_ALLOCATOR_STATS
    try {
        if (cudaIndex < 0 || cudaIndex >= int(c10::cuda::device_count()))
            return std::nullopt;
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex);
        // Index 0 is StatType::AGGREGATE (small and large pools together) in every LibTorch
        // from 1.13 on, whichever namespace the enum lives in.
        const auto& allocated = stats.allocated_bytes[0];
        const auto& reserved = stats.reserved_bytes[0];
        return CudaAllocatorStats{double(allocated.current), double(reserved.current),
                                  double(allocated.peak)};
    } catch (const std::exception&) {
        return std::nullopt; // the allocator was never initialized on this device
    }
#else
    (void)cudaIndex;
    return std::nullopt;
#endif
}

} // namespace trainlab
