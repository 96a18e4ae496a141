#pragma once

#include "base/SystemSample.h"

#include <QVector>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace trainlab {

class GpuTelemetry;

/// Reads this process's CPU use and resident memory, and the run's GPUs when it has any
/// (GpuTelemetry: NVML and the CUDA allocator), on its own thread every `interval`, and hands
/// each round of readings to `record` (on that thread): one sample for "cpu", one per GPU.
/// Sources this machine lacks leave their fields empty. Stops and joins on destruction.
class SystemSampler {
public:
    using Record = std::function<void(const QVector<SystemSample>&)>;

    SystemSampler(qint64 run, Record record,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(1000),
                  QString procSelf = QStringLiteral("/proc/self"),
                  std::shared_ptr<GpuTelemetry> gpus = {});
    ~SystemSampler();
    SystemSampler(const SystemSampler&) = delete;
    SystemSampler& operator=(const SystemSampler&) = delete;

    /// Takes one round of readings now (also what the thread does each interval). The first
    /// reading has no CPU % (it needs an interval); later ones do.
    void sampleNow();
    /// CPU seconds this process used since the sampler started (all threads).
    double cpuSecondsSinceStart() const;

private:
    void loop();

    qint64 run_;
    Record record_;
    std::chrono::milliseconds interval_;
    QString procSelf_;
    std::shared_ptr<GpuTelemetry> gpus_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    double startCpuSeconds_ = -1;
    double lastCpuSeconds_ = -1;
    std::chrono::steady_clock::time_point lastTime_;
    std::thread thread_;
};

} // namespace trainlab
