#pragma once

#include "telemetry/GpuTelemetry.h"
#include "telemetry/RaplEnergyMeter.h"

#include <QString>
#include <QVector>

namespace trainlab {

/// What a run's energy figure is and where it came from.
struct EnergyFigure {
    double joules = 0;
    /// The CPU's part: "rapl" (measured), or "estimate: ..." saying how it was estimated; then
    /// per GPU "; cuda:0 nvml energy counter" (or "nvml power integrated", or "not measured
    /// (why)", in which case that GPU's energy is missing from `joules`).
    QString source;
};

/// A run's energy: the CPU's measured through RAPL where the counters are readable, else
/// estimated as the CPU time the process used times a power per busy core (the workspace's
/// watts_per_core, see CostSettings) and marked as an estimate; plus each GPU's energy
/// (GpuTelemetry). Starts counting at construction.
class EnergyAccount {
public:
    static constexpr double kDefaultWattsPerCore = 10.0;

    explicit EnergyAccount(double wattsPerCore = kDefaultWattsPerCore,
                           const QString& raplRoot = QStringLiteral("/sys/class/powercap"),
                           const QString& procSelf = QStringLiteral("/proc/self"));
    /// The energy since construction, given the CPU seconds used meanwhile and the GPUs'.
    EnergyFigure figure(double cpuSeconds, const QVector<GpuEnergy>& gpus = {}) const;
    /// The energy since construction, the CPU seconds read from /proc now.
    EnergyFigure now(const QVector<GpuEnergy>& gpus = {}) const;
    /// CPU seconds (all threads) this process used since construction; 0 without /proc.
    double cpuSecondsSinceStart() const;

private:
    RaplEnergyMeter rapl_;
    double wattsPerCore_;
    QString procSelf_;
    double startCpuSeconds_ = -1;
};

} // namespace trainlab
