#include "jobs/RunTelemetry.h"

#include "store/StoreWriter.h"
#include "telemetry/GpuTelemetry.h"
#include "telemetry/NvmlLibrary.h"
#include "telemetry/SystemSampler.h"

namespace trainlab {

RunTelemetry::RunTelemetry(StoreWriter& store, Options options)
    : store_(store)
    , options_(std::move(options))
    , costs_(CostSettings::resolve(store.settings()))
    , gpus_(options_.gpus.isEmpty()
                ? nullptr
                : std::make_shared<GpuTelemetry>(NvmlLibrary::shared(), options_.gpus))
    , energy_(costs_.wattsPerCore) {
    if (options_.intervalMs <= 0)
        return;
    // A failing workspace is the writer's business (the run fails at its next check); the
    // sampler only stops writing.
    sampler_ = std::make_unique<SystemSampler>(
        options_.run,
        [this](const QVector<SystemSample>& samples) {
            if (!store_.writeFailure().isEmpty())
                return;
            try {
                store_.appendSystemSamples(samples);
            } catch (const std::exception&) {
                // Recorded as the store's write failure; the trainer stops on it.
            }
        },
        std::chrono::milliseconds(options_.intervalMs), QStringLiteral("/proc/self"), gpus_);
}

RunTelemetry::~RunTelemetry() = default;

EnergyFigure RunTelemetry::sessionEnergy() const {
    return energy_.now(gpus_ ? gpus_->energy() : QVector<GpuEnergy>());
}

void RunTelemetry::stopSampling() {
    sampler_.reset();
}

} // namespace trainlab
