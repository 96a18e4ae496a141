#pragma once

#include "telemetry/RaplEnergyMeter.h"

#include <QString>

namespace trainlab {

/// What a run's energy figure is and where it came from.
struct EnergyFigure {
    double joules = 0;
    QString source; ///< "rapl" (measured), or "estimate: ..." saying how it was estimated
};

/// A run's CPU energy: measured through RAPL where the counters are readable, else estimated as
/// the CPU time the process used times a power per busy core (TRAINLAB_WATTS_PER_CORE, default
/// kDefaultWattsPerCore) and marked as an estimate. Starts counting at construction.
class EnergyAccount {
public:
    static constexpr double kDefaultWattsPerCore = 10.0;

    explicit EnergyAccount(double wattsPerCore = configuredWattsPerCore(),
                           const QString& raplRoot = QStringLiteral("/sys/class/powercap"));
    /// The energy since construction, given the CPU seconds used meanwhile.
    EnergyFigure figure(double cpuSeconds) const;

    /// TRAINLAB_WATTS_PER_CORE when it is a positive number, else kDefaultWattsPerCore.
    static double configuredWattsPerCore();

private:
    RaplEnergyMeter rapl_;
    double wattsPerCore_;
};

} // namespace trainlab
