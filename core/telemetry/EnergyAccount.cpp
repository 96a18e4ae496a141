#include "telemetry/EnergyAccount.h"

#include "telemetry/ProcessUsage.h"

#include <algorithm>

namespace trainlab {

EnergyAccount::EnergyAccount(double wattsPerCore, const QString& raplRoot, const QString& procSelf)
    : rapl_(raplRoot)
    , wattsPerCore_(wattsPerCore)
    , procSelf_(procSelf) {
    if (const auto usage = readProcessUsage(procSelf_))
        startCpuSeconds_ = usage->cpuSeconds;
}

EnergyFigure EnergyAccount::figure(double cpuSeconds, const QVector<GpuEnergy>& gpus) const {
    EnergyFigure result;
    if (const auto measured = rapl_.joulesSinceStart()) {
        result = {*measured, QStringLiteral("rapl")};
    } else {
        result = {std::max(0.0, cpuSeconds) * wattsPerCore_,
                  QStringLiteral("estimate: %1 CPU s x %2 W per busy core")
                      .arg(cpuSeconds, 0, 'f', 1)
                      .arg(wattsPerCore_)};
    }
    for (const GpuEnergy& gpu : gpus) {
        result.joules += gpu.joules.value_or(0);
        result.source += QStringLiteral("; %1 %2").arg(gpu.device, gpu.method);
    }
    return result;
}

EnergyFigure EnergyAccount::now(const QVector<GpuEnergy>& gpus) const {
    return figure(cpuSecondsSinceStart(), gpus);
}

double EnergyAccount::cpuSecondsSinceStart() const {
    const auto usage = readProcessUsage(procSelf_);
    if (!usage || startCpuSeconds_ < 0)
        return 0;
    return std::max(0.0, usage->cpuSeconds - startCpuSeconds_);
}

} // namespace trainlab
