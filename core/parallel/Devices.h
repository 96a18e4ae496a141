#pragma once

#include <QString>
#include <QStringList>

namespace trainlab {

struct DeviceInfo {
    QString name; ///< "cpu", "cuda:0"
    QString description;
};

/// The devices this machine can train on: every CUDA device LibTorch sees, then the CPU.
QList<DeviceInfo> availableDevices();

/// The CUDA devices LibTorch sees: "cuda:0", ...; empty on a CPU-only machine or build.
QStringList cudaDeviceNames();

/// Turns a spec's `devices` into concrete names: "auto" is every GPU, or the CPU when there is
/// none. Throws InputError naming a requested device that is not present.
QStringList resolveDevices(const QStringList& requested);

} // namespace trainlab
