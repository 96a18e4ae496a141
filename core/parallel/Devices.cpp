#include "parallel/Devices.h"

#include "base/Errors.h"

#include <QThread>
#include <torch/cuda.h>

namespace trainlab {

QList<DeviceInfo> availableDevices() {
    QList<DeviceInfo> devices;
    const auto gpus = int(torch::cuda::device_count());
    for (int i = 0; i < gpus; ++i)
        devices.append({QStringLiteral("cuda:%1").arg(i), QStringLiteral("CUDA device %1").arg(i)});
    devices.append({QStringLiteral("cpu"),
                    QStringLiteral("CPU, %1 threads").arg(QThread::idealThreadCount())});
    return devices;
}

QStringList cudaDeviceNames() {
    QStringList names;
    const auto gpus = int(torch::cuda::device_count());
    for (int i = 0; i < gpus; ++i)
        names << QStringLiteral("cuda:%1").arg(i);
    return names;
}

QStringList resolveDevices(const QStringList& requested) {
    const auto gpus = int(torch::cuda::device_count());
    if (requested == QStringList{QStringLiteral("auto")}) {
        QStringList all;
        for (int i = 0; i < gpus; ++i)
            all << QStringLiteral("cuda:%1").arg(i);
        return all.isEmpty() ? QStringList{QStringLiteral("cpu")} : all;
    }
    for (const QString& name : requested) {
        if (name == QLatin1String("cpu"))
            continue;
        const int index = name == QLatin1String("cuda") ? 0 : name.mid(5).toInt();
        if (index >= gpus)
            throw InputError(
                gpus == 0 ? QStringLiteral("devices: %1 is not available: this machine or this "
                                           "build of TrainLab has no CUDA device (use \"cpu\" "
                                           "or \"auto\")")
                                .arg(name)
                          : QStringLiteral("devices: %1 is not available: %2 CUDA device(s) "
                                           "found (cuda:0 to cuda:%3)")
                                .arg(name)
                                .arg(gpus)
                                .arg(gpus - 1));
    }
    return requested;
}

} // namespace trainlab
