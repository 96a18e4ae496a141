#include "jobs/DevicePool.h"

namespace trainlab {

DevicePool::DevicePool(int cpuSlots, QStringList gpus)
    : cpuSlots_(std::max(1, cpuSlots))
    , gpus_(std::move(gpus)) {}

QString DevicePool::whyNever(const DeviceDemand& demand) const {
    for (const QString& gpu : demand.gpus) {
        if (!gpus_.contains(gpu))
            return QStringLiteral("devices: %1 is not available here (devices: %2)")
                .arg(gpu, (gpus_ + QStringList{QStringLiteral("cpu")}).join(QStringLiteral(", ")));
    }
    if (demand.cpuSlots > cpuSlots_)
        return QStringLiteral("training.threads: %1 CPU threads asked for; this machine has %2")
            .arg(demand.cpuSlots)
            .arg(cpuSlots_);
    return {};
}

std::optional<DeviceGrant> DevicePool::tryAcquire(const DeviceDemand& demand) {
    DeviceGrant grant = demand;
    if (grant.cpuSlots == DeviceDemand::kAllCpuSlots)
        grant.cpuSlots = cpuSlots_;
    if (grant.cpuSlots > freeCpuSlots())
        return std::nullopt;
    for (const QString& gpu : grant.gpus) {
        if (busyGpus_.contains(gpu))
            return std::nullopt;
    }
    usedCpuSlots_ += grant.cpuSlots;
    busyGpus_ += grant.gpus;
    return grant;
}

void DevicePool::release(const DeviceGrant& grant) {
    usedCpuSlots_ = std::max(0, usedCpuSlots_ - grant.cpuSlots);
    for (const QString& gpu : grant.gpus)
        busyGpus_.removeOne(gpu);
}

} // namespace trainlab
