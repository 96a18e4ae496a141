#pragma once

#include <QString>
#include <optional>

namespace trainlab {

/// One reading of a device's state while a run trains (a row of system_samples). A source this
/// machine lacks stays empty: never a zero that would read as a measurement.
struct SystemSample {
    qint64 run = 0;
    QString device;  ///< "cpu" (this process), or a GPU such as "cuda:0"
    double time = 0; ///< Unix seconds
    std::optional<double> gpuMemUsedBytes;
    std::optional<double> gpuMemTotalBytes;
    std::optional<double> utilPercent;
    std::optional<double> powerW;
    std::optional<double> temperatureC;
    std::optional<double> gpuEnergyJ;         ///< the device's energy since the run began (NVML)
    std::optional<double> cudaAllocatedBytes; ///< CUDA caching allocator: in use by tensors
    std::optional<double> cudaReservedBytes;  ///< held from the driver, used or cached
    std::optional<double> cudaPeakAllocatedBytes;
    std::optional<double> cpuPercent; ///< of one core: 200 is two cores busy
    std::optional<double> rssBytes;
};

} // namespace trainlab
