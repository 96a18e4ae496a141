#include "jobs/DeviceUsage.h"

namespace trainlab {

QVector<DeviceUsage> deviceUsage(const QVector<JobInfo>& jobs, int cpuSlots,
                                 const QStringList& gpus) {
    QVector<DeviceUsage> usage;
    usage.append(DeviceUsage{QStringLiteral("cpu"), cpuSlots, 0, {}, {}});
    for (const QString& gpu : gpus)
        usage.append(DeviceUsage{gpu, 1, 0, {}, {}});
    for (const JobInfo& job : jobs) {
        // The scheduler fills `devices` when it grants them; a queued job has none, and a
        // finished one keeps the list for the record but holds nothing any more.
        if (job.devices.isEmpty() || isFinalStatus(job.status))
            continue;
        for (DeviceUsage& device : usage) {
            const bool isCpu = device.device == QLatin1String("cpu");
            const int slots = isCpu ? job.cpuSlots : int(job.devices.contains(device.device));
            if (slots <= 0)
                continue;
            device.used += slots;
            device.jobs.append(job.id);
            device.titles.append(job.title);
        }
    }
    return usage;
}

} // namespace trainlab
