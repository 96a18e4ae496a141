#include "telemetry/EnergyAccount.h"

#include <QtGlobal>

namespace trainlab {

EnergyAccount::EnergyAccount(double wattsPerCore, const QString& raplRoot)
    : rapl_(raplRoot)
    , wattsPerCore_(wattsPerCore) {}

EnergyFigure EnergyAccount::figure(double cpuSeconds) const {
    if (const auto measured = rapl_.joulesSinceStart())
        return {*measured, QStringLiteral("rapl")};
    return {std::max(0.0, cpuSeconds) * wattsPerCore_,
            QStringLiteral("estimate: %1 CPU s x %2 W per busy core")
                .arg(cpuSeconds, 0, 'f', 1)
                .arg(wattsPerCore_)};
}

double EnergyAccount::configuredWattsPerCore() {
    bool ok = false;
    const double watts = qEnvironmentVariable("TRAINLAB_WATTS_PER_CORE").toDouble(&ok);
    return ok && watts > 0 ? watts : kDefaultWattsPerCore;
}

} // namespace trainlab
