#include "telemetry/SystemSampler.h"

#include "telemetry/GpuTelemetry.h"
#include "telemetry/ProcessUsage.h"

#include <QDateTime>

namespace trainlab {

SystemSampler::SystemSampler(qint64 run, Record record, std::chrono::milliseconds interval,
                             QString procSelf, std::shared_ptr<GpuTelemetry> gpus)
    : run_(run)
    , record_(std::move(record))
    , interval_(interval)
    , procSelf_(std::move(procSelf))
    , gpus_(std::move(gpus)) {
    sampleNow();
    thread_ = std::thread([this] { loop(); });
}

SystemSampler::~SystemSampler() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SystemSampler::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (wake_.wait_for(lock, interval_, [this] { return stopping_; }))
            break;
        lock.unlock();
        sampleNow();
        lock.lock();
    }
}

void SystemSampler::sampleNow() {
    const auto usage = readProcessUsage(procSelf_);
    const auto now = std::chrono::steady_clock::now();
    SystemSample sample;
    sample.run = run_;
    sample.device = QStringLiteral("cpu");
    sample.time = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    {
        std::lock_guard lock(mutex_);
        if (usage) {
            sample.rssBytes = usage->rssBytes;
            if (startCpuSeconds_ < 0)
                startCpuSeconds_ = usage->cpuSeconds;
            const double wall = std::chrono::duration<double>(now - lastTime_).count();
            if (lastCpuSeconds_ >= 0 && wall > 0)
                sample.cpuPercent = 100.0 * (usage->cpuSeconds - lastCpuSeconds_) / wall;
            lastCpuSeconds_ = usage->cpuSeconds;
            lastTime_ = now;
        }
    }
    QVector<SystemSample> samples;
    if (usage)
        samples.append(sample); // a machine without /proc records no CPU row rather than zeros
    if (gpus_)
        samples += gpus_->sample(run_, sample.time);
    if (!samples.isEmpty())
        record_(samples);
}

double SystemSampler::cpuSecondsSinceStart() const {
    const auto usage = readProcessUsage(procSelf_);
    std::lock_guard lock(mutex_);
    if (!usage || startCpuSeconds_ < 0)
        return 0;
    return usage->cpuSeconds - startCpuSeconds_;
}

} // namespace trainlab
