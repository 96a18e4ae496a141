#pragma once

#include "jobs/JobInfo.h"

#include <QStringList>
#include <QVector>

namespace trainlab {

/// Who holds one of the backend's devices now: the CPU (shared by slots, one per core) or a
/// GPU (held whole by one job).
struct DeviceUsage {
    QString device;       ///< "cpu" or "cuda:N"
    int capacity = 0;     ///< the CPU's slots; 1 for a GPU
    int used = 0;         ///< slots held (a GPU: 0 or 1)
    QVector<qint64> jobs; ///< the jobs holding it, in the order given
    QStringList titles;   ///< their titles, in the same order
};

/// Which job holds which device, from a snapshot of the backend's jobs (Backend::jobs()) and
/// its pool (Backend::cpuSlots(), Backend::gpus()): the CPU first, then every GPU, held or not.
/// A job holds what it was granted from when it starts until it ends; queued and finished jobs
/// hold nothing.
QVector<DeviceUsage> deviceUsage(const QVector<JobInfo>& jobs, int cpuSlots,
                                 const QStringList& gpus);

} // namespace trainlab
