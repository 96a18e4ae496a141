#pragma once

#include <QStringList>
#include <optional>

namespace trainlab {

/// Measures CPU package energy through Linux RAPL (/sys/class/powercap/intel-rapl:N). Where
/// the counters are missing or unreadable (VMs, no permission) it measures nothing, and the run
/// stores no energy figure rather than a guess.
class RaplEnergyMeter {
public:
    explicit RaplEnergyMeter(const QString& root = QStringLiteral("/sys/class/powercap"));
    bool available() const { return !domains_.isEmpty(); }
    /// Joules used since construction (counter wrap-around handled), if measurable.
    std::optional<double> joulesSinceStart() const;

private:
    struct Domain {
        QString energyFile;
        double maxRangeUj = 0;
        double startUj = 0;
    };
    QList<Domain> domains_;
};

} // namespace trainlab
