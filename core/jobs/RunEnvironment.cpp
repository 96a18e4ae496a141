#include "jobs/RunEnvironment.h"

#include "jobs/Versions.h"
#include "telemetry/NvmlLibrary.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <QFile>
#include <QJsonArray>
#include <QSysInfo>
#include <QThread>

namespace trainlab {

namespace {

QString orNone(const QString& text) {
    return text.isEmpty() ? QStringLiteral("none") : text;
}

/// The CUDA runtime LibTorch was built with ("12.1"), or empty for a CPU LibTorch.
QString cudaRuntimeVersion() {
    if (!at::hasCUDA())
        return {};
    try {
        const long version = at::detail::getCUDAHooks().versionCUDART(); // 1000 major + 10 minor
        return QStringLiteral("%1.%2").arg(version / 1000).arg((version % 1000) / 10);
    } catch (const std::exception&) {
        return {};
    }
}

} // namespace

QString cpuModel(const QString& cpuinfoPath) {
    QFile file(cpuinfoPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // /proc files report size 0: read to the end rather than by size.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const char* key : {"model name", "Processor", "cpu model"}) {
        for (const QByteArray& line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed() == key)
                return QString::fromUtf8(line.mid(colon + 1).trimmed());
        }
    }
    return {};
}

QJsonObject runEnvironment(const QStringList& devices, int worldSize, const NvmlLibrary& nvml) {
    const ComponentVersions versions = componentVersions();
    QJsonArray gpus;
    for (int index = 0; index < nvml.deviceCount(); ++index)
        gpus.append(nvml.deviceName(index));
    return {
        {QStringLiteral("trainlab"), versions.trainlab},
        {QStringLiteral("libtorch"), versions.libtorch},
        {QStringLiteral("qt"), versions.qt},
        {QStringLiteral("cuda"), orNone(cudaRuntimeVersion())},
        {QStringLiteral("driver"), orNone(nvml.driverVersion())},
        {QStringLiteral("cuda_driver"), orNone(nvml.cudaDriverVersion())},
        {QStringLiteral("nvml"), nvml.status()},
        {QStringLiteral("cpu_model"), cpuModel()},
        {QStringLiteral("cpu_cores"), QThread::idealThreadCount()},
        {QStringLiteral("gpu_models"), gpus},
        {QStringLiteral("devices"), QJsonArray::fromStringList(devices)},
        {QStringLiteral("world_size"), worldSize},
        {QStringLiteral("os"), QSysInfo::prettyProductName()},
    };
}

} // namespace trainlab
