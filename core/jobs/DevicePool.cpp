#include "jobs/DevicePool.h"

#include <algorithm>

namespace trainlab {

DevicePool::DevicePool(int cpuSlots, QStringList gpus)
    : cpuSlots_(std::max(1, cpuSlots))
    , gpus_(std::move(gpus)) {}

namespace {

// Shares add up in floating point: 3 x 1/3 must still fit.
constexpr double kShareSlack = 1e-9;

} // namespace

bool DevicePool::fits(const QString& gpu, double share) const {
    return gpuLoad(gpu) + share <= 1.0 + kShareSlack;
}

QString DevicePool::whyNever(const DeviceDemand& demand) const {
    if (!(demand.gpuShare > 0 && demand.gpuShare <= 1.0 + kShareSlack))
        return QStringLiteral("a job's part of a GPU must be in (0, 1], not %1")
            .arg(demand.gpuShare);
    if (demand.anyGpus > gpus_.size())
        return QStringLiteral("%1 GPUs asked for; this machine has %2")
            .arg(demand.anyGpus)
            .arg(gpus_.size());
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
        if (!fits(gpu, grant.gpuShare))
            return std::nullopt;
    }
    if (grant.anyGpus > 0) {
        // The least loaded GPUs that take the share, in the pool's order among equals: trials
        // spread over the GPUs before they double up on one.
        QStringList candidates;
        for (const QString& gpu : gpus_)
            if (!grant.gpus.contains(gpu) && fits(gpu, grant.gpuShare))
                candidates.append(gpu);
        std::stable_sort(
            candidates.begin(), candidates.end(),
            [this](const QString& a, const QString& b) { return gpuLoad(a) < gpuLoad(b); });
        if (candidates.size() < grant.anyGpus)
            return std::nullopt;
        grant.gpus += candidates.mid(0, grant.anyGpus);
        grant.anyGpus = 0;
    }
    usedCpuSlots_ += grant.cpuSlots;
    for (const QString& gpu : grant.gpus)
        gpuLoad_[gpu] = gpuLoad(gpu) + grant.gpuShare;
    return grant;
}

void DevicePool::release(const DeviceGrant& grant) {
    usedCpuSlots_ = std::max(0, usedCpuSlots_ - grant.cpuSlots);
    for (const QString& gpu : grant.gpus) {
        const double left = gpuLoad(gpu) - grant.gpuShare;
        if (left <= kShareSlack)
            gpuLoad_.remove(gpu);
        else
            gpuLoad_[gpu] = left;
    }
}

} // namespace trainlab
