#pragma once

#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace trainlab {

/// One GPU's state as NVML reports it. A quantity the device or driver does not report (older
/// boards have no energy counter, some no power sensor) stays empty: never a zero.
struct GpuReading {
    std::optional<double> memUsedBytes;
    std::optional<double> memTotalBytes;
    std::optional<double> utilPercent;
    std::optional<double> powerW;
    std::optional<double> temperatureC;
    /// The board's energy counter: joules since the driver was loaded (Volta and newer).
    std::optional<double> energyCounterJ;
};

/// NVIDIA's management library, loaded at run time with dlopen so that TrainLab neither links
/// against it nor needs it: on a machine without the NVIDIA driver (this one, CI) it is simply
/// unavailable and says why. Initialized once on load and shut down on destruction; its
/// functions are thread-safe (NVML's own guarantee), so one instance serves every run.
class NvmlLibrary {
public:
    static constexpr const char* kDefaultLibrary = "libnvidia-ml.so.1";

    /// Loads `library` (a soname searched the usual way, or a path) and initializes NVML.
    explicit NvmlLibrary(const QString& library = QString::fromLatin1(kDefaultLibrary));
    ~NvmlLibrary();
    NvmlLibrary(const NvmlLibrary&) = delete;
    NvmlLibrary& operator=(const NvmlLibrary&) = delete;

    /// The process's instance of the driver's library, loaded on first use.
    static std::shared_ptr<const NvmlLibrary> shared();

    bool available() const { return initialized_; }
    /// "NVML <driver version>", or why it is not available (library absent, a function
    /// missing, nvmlInit_v2 failing).
    QString status() const { return status_; }

    int deviceCount() const;
    /// The NVML index of CUDA device `cudaIndex`: CUDA numbers the devices that
    /// CUDA_VISIBLE_DEVICES lists, in its order; entries given as UUIDs are looked up by UUID.
    /// nullopt when it names no device NVML knows.
    std::optional<int> indexOfCudaDevice(int cudaIndex) const;
    /// A reading of NVML device `index`; nullopt when there is no such device.
    std::optional<GpuReading> read(int index) const;
    /// The board's name ("NVIDIA H100 80GB HBM3"), or empty.
    QString deviceName(int index) const;
    /// The driver's version ("535.104.05"), or empty.
    QString driverVersion() const;
    /// The CUDA version the driver supports ("12.2"), or empty.
    QString cudaDriverVersion() const;

private:
    struct Api;
    void* handleOf(int index) const;

    void* library_ = nullptr;
    std::unique_ptr<Api> api_;
    bool initialized_ = false;
    QString status_;
};

} // namespace trainlab
