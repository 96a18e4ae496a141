#pragma once

#include "base/SystemSample.h"

#include <QStringList>
#include <QVector>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace trainlab {

class NvmlLibrary;

/// A GPU's energy since a run began, and how it was measured.
struct GpuEnergy {
    QString device;               ///< "cuda:0"
    std::optional<double> joules; ///< empty: this machine could not measure it
    QString method; ///< "nvml energy counter", "nvml power integrated", or why not measured
};

/// The GPUs one run trains on, read together: NVML's sensors (memory, utilization, power,
/// temperature, the energy counter) and, in a CUDA build, the caching allocator's figures.
/// Keeps each device's energy since construction: the board's energy counter where it has one,
/// else its power readings integrated over time (trapezoids between readings). Thread-safe: the
/// sampler's thread reads while the run's thread asks for the energy.
class GpuTelemetry {
public:
    /// `devices` as a run names them; only "cuda:N" entries are GPUs. `nvml` may be
    /// unavailable: the devices are then recorded without NVML's fields.
    GpuTelemetry(std::shared_ptr<const NvmlLibrary> nvml, const QStringList& devices);
    ~GpuTelemetry();
    GpuTelemetry(const GpuTelemetry&) = delete;
    GpuTelemetry& operator=(const GpuTelemetry&) = delete;

    bool empty() const { return devices_.empty(); }
    /// One sample per device, read now (Unix time `time`); what cannot be read stays empty.
    QVector<SystemSample> sample(qint64 run, double time);
    /// Each device's energy since construction: the counter read now, or the integrated
    /// power up to now (the last reading held since it was taken).
    QVector<GpuEnergy> energy() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Device {
        QString name;
        int cudaIndex = 0;
        std::optional<int> nvmlIndex;
        std::optional<double> counterStartJ;
        double integratedJ = 0;
        std::optional<double> lastPowerW;
        Clock::time_point lastPowerTime;
    };
    /// Energy of `device` so far given a fresh reading of it (locked).
    std::optional<double> energyOf(const Device& device, const std::optional<double>& counterJ,
                                   Clock::time_point now) const;

    std::shared_ptr<const NvmlLibrary> nvml_;
    mutable std::mutex mutex_;
    std::vector<Device> devices_;
};

} // namespace trainlab
