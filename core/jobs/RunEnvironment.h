#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace trainlab {

class NvmlLibrary;

/// What a run ran on, stored with it (runs.environment) so that runs made on different machines
/// or builds can be told apart: TrainLab, LibTorch and Qt versions; the CUDA runtime LibTorch
/// was built with and the driver's versions ("none" where absent); the CPU's model and cores;
/// the GPUs NVML sees; the run's devices and world size; and NVML's state.
QJsonObject runEnvironment(const QStringList& devices, int worldSize, const NvmlLibrary& nvml);

/// The CPU's model as /proc/cpuinfo names it ("model name", or "Processor" / "cpu model"
/// on other architectures); empty when it does not say.
QString cpuModel(const QString& cpuinfoPath = QStringLiteral("/proc/cpuinfo"));

} // namespace trainlab
