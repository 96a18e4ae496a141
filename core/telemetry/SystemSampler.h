#pragma once

#include "base/SystemSample.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace trainlab {

/// Reads this process's CPU use and resident memory on its own thread, every `interval`, and
/// hands each reading to `record` (on that thread). GPU sources (NVML) are not read by this
/// build: their fields stay empty, which the window shows as "not recorded on this machine".
/// Stops and joins on destruction.
class SystemSampler {
public:
    using Record = std::function<void(const SystemSample&)>;

    SystemSampler(qint64 run, Record record,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(1000),
                  QString procSelf = QStringLiteral("/proc/self"));
    ~SystemSampler();
    SystemSampler(const SystemSampler&) = delete;
    SystemSampler& operator=(const SystemSampler&) = delete;

    /// Takes one reading now (also what the thread does each interval). The first reading
    /// has no CPU % (it needs an interval); later ones do.
    void sampleNow();
    /// CPU seconds this process used since the sampler started (all threads).
    double cpuSecondsSinceStart() const;

private:
    void loop();

    qint64 run_;
    Record record_;
    std::chrono::milliseconds interval_;
    QString procSelf_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    double startCpuSeconds_ = -1;
    double lastCpuSeconds_ = -1;
    std::chrono::steady_clock::time_point lastTime_;
    std::thread thread_;
};

} // namespace trainlab
