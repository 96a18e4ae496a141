#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace trainlab {

/// What a job needs before it can start: whole devices (each GPU serves one job at a time) and
/// a number of the CPU's slots (one per core). A sweep, which only coordinates, needs nothing.
struct DeviceDemand {
    static constexpr int kAllCpuSlots = -1; ///< every core the pool has

    QStringList gpus; ///< "cuda:N", each exclusively
    int cpuSlots = 0; ///< or kAllCpuSlots
    bool empty() const { return gpus.isEmpty() && cpuSlots == 0; }
};

/// What a job was given (kAllCpuSlots resolved to a number); it holds it until it ends.
using DeviceGrant = DeviceDemand;

/// The devices the backend schedules jobs on: the CPU's cores as slots and each GPU whole.
/// Not thread-safe; the backend guards it.
class DevicePool {
public:
    DevicePool(int cpuSlots, QStringList gpus);

    int cpuSlots() const { return cpuSlots_; }
    const QStringList& gpus() const { return gpus_; }
    /// Empty when the demand could ever be met here, else why not (naming the device).
    QString whyNever(const DeviceDemand& demand) const;
    /// Takes what the demand asks for when all of it is free now.
    std::optional<DeviceGrant> tryAcquire(const DeviceDemand& demand);
    void release(const DeviceGrant& grant);
    int freeCpuSlots() const { return cpuSlots_ - usedCpuSlots_; }
    bool gpuFree(const QString& gpu) const { return !busyGpus_.contains(gpu); }

private:
    int cpuSlots_;
    QStringList gpus_;
    int usedCpuSlots_ = 0;
    QStringList busyGpus_;
};

} // namespace trainlab
