#include "telemetry/GpuTelemetry.h"

#include "telemetry/CudaAllocatorStats.h"
#include "telemetry/NvmlLibrary.h"

#include <algorithm>

namespace trainlab {

GpuTelemetry::GpuTelemetry(std::shared_ptr<const NvmlLibrary> nvml, const QStringList& devices)
    : nvml_(std::move(nvml)) {
    const Clock::time_point now = Clock::now();
    for (const QString& name : devices) {
        if (!name.startsWith(QLatin1String("cuda:")))
            continue;
        Device device;
        device.name = name;
        device.cudaIndex = name.mid(5).toInt();
        if (nvml_ && nvml_->available())
            device.nvmlIndex = nvml_->indexOfCudaDevice(device.cudaIndex);
        if (device.nvmlIndex) {
            if (const auto reading = nvml_->read(*device.nvmlIndex)) {
                device.counterStartJ = reading->energyCounterJ;
                device.lastPowerW = reading->powerW;
                device.lastPowerTime = now;
            }
        }
        devices_.push_back(device);
    }
}

GpuTelemetry::~GpuTelemetry() = default;

std::optional<double> GpuTelemetry::energyOf(const Device& device,
                                             const std::optional<double>& counterJ,
                                             Clock::time_point now) const {
    if (device.counterStartJ && counterJ)
        return std::max(0.0, *counterJ - *device.counterStartJ);
    if (!device.lastPowerW)
        return std::nullopt;
    const double heldS = std::chrono::duration<double>(now - device.lastPowerTime).count();
    return device.integratedJ + *device.lastPowerW * std::max(0.0, heldS);
}

QVector<SystemSample> GpuTelemetry::sample(qint64 run, double time) {
    QVector<SystemSample> samples;
    std::lock_guard lock(mutex_);
    for (Device& device : devices_) {
        SystemSample s;
        s.run = run;
        s.device = device.name;
        s.time = time;
        const Clock::time_point now = Clock::now();
        std::optional<GpuReading> reading;
        if (device.nvmlIndex)
            reading = nvml_->read(*device.nvmlIndex);
        if (reading) {
            s.gpuMemUsedBytes = reading->memUsedBytes;
            s.gpuMemTotalBytes = reading->memTotalBytes;
            s.utilPercent = reading->utilPercent;
            s.powerW = reading->powerW;
            s.temperatureC = reading->temperatureC;
            if (reading->powerW) {
                // Trapezoids between readings; a device first seen now starts its integral here.
                if (device.lastPowerW)
                    device.integratedJ +=
                        0.5 * (*device.lastPowerW + *reading->powerW) *
                        std::chrono::duration<double>(now - device.lastPowerTime).count();
                device.lastPowerW = reading->powerW;
                device.lastPowerTime = now;
            }
            s.gpuEnergyJ = energyOf(device, reading->energyCounterJ, now);
        }
        if (const auto allocator = cudaAllocatorStats(device.cudaIndex)) {
            s.cudaAllocatedBytes = allocator->allocatedBytes;
            s.cudaReservedBytes = allocator->reservedBytes;
            s.cudaPeakAllocatedBytes = allocator->peakAllocatedBytes;
        }
        samples.append(s);
    }
    return samples;
}

QVector<GpuEnergy> GpuTelemetry::energy() const {
    QVector<GpuEnergy> result;
    std::lock_guard lock(mutex_);
    for (const Device& device : devices_) {
        GpuEnergy e;
        e.device = device.name;
        std::optional<double> counterJ;
        if (device.nvmlIndex)
            if (const auto reading = nvml_->read(*device.nvmlIndex))
                counterJ = reading->energyCounterJ;
        e.joules = energyOf(device, counterJ, Clock::now());
        if (!device.nvmlIndex)
            e.method = nvml_ && nvml_->available()
                           ? QStringLiteral("not measured (NVML does not know this device)")
                           : QStringLiteral("not measured (%1)")
                                 .arg(nvml_ ? nvml_->status() : QStringLiteral("NVML not loaded"));
        else if (device.counterStartJ && counterJ)
            e.method = QStringLiteral("nvml energy counter");
        else if (e.joules)
            e.method = QStringLiteral("nvml power integrated");
        else
            e.method = QStringLiteral("not measured (no energy counter or power sensor)");
        result.append(e);
    }
    return result;
}

} // namespace trainlab
