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

    QStringList gpus; ///< "cuda:N", each exclusively (or its gpuShare)
    int cpuSlots = 0; ///< or kAllCpuSlots
    /// Whichever GPUs are free, this many (a sweep's trials: the pool places them); the grant
    /// names the ones given in `gpus`.
    int anyGpus = 0;
    /// The part of each of its GPUs the job takes, (0, 1]: 1/4 lets four small trials share one
    /// GPU. Every GPU's parts add up to at most 1.
    double gpuShare = 1.0;
    bool empty() const { return gpus.isEmpty() && cpuSlots == 0 && anyGpus == 0; }
};

/// What a job was given (kAllCpuSlots resolved to a number, anyGpus to named GPUs); it holds it
/// until it ends.
using DeviceGrant = DeviceDemand;

/// The devices the backend schedules jobs on: the CPU's cores as slots, and each GPU whole or
/// in parts (several small sweep trials on one GPU).
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
    bool gpuFree(const QString& gpu) const { return gpuLoad(gpu) <= 0; }
    /// The part of `gpu` in use, 0 to 1.
    double gpuLoad(const QString& gpu) const { return gpuLoad_.value(gpu, 0.0); }

private:
    bool fits(const QString& gpu, double share) const;

    int cpuSlots_;
    QStringList gpus_;
    int usedCpuSlots_ = 0;
    QMap<QString, double> gpuLoad_;
};

} // namespace trainlab
