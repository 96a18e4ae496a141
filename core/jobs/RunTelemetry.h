#pragma once

#include "telemetry/CostSettings.h"
#include "telemetry/EnergyAccount.h"

#include <QStringList>
#include <memory>

namespace trainlab {

class GpuTelemetry;
class StoreWriter;
class SystemSampler;

/// What one session of a run measures about itself: system samples (the CPU's and each GPU's,
/// every `intervalMs`, into system_samples), its energy so far (the energy_j series and an
/// energy budget for early stopping count it), and at its end the figures stored on the run:
/// energy with its source, device hours and cost at the workspace's prices.
class RunTelemetry {
public:
    struct Options {
        qint64 run = 0;
        QStringList gpus;           ///< the "cuda:N" devices the run holds; empty on the CPU
        int intervalMs = 1000;      ///< 0: no sampler thread (energy is still accounted)
        double previousEnergyJ = 0; ///< what earlier sessions of a resumed run used
    };

    /// Reads the workspace's cost settings; throws InputError when one (or the environment
    /// variable overriding it) is not valid.
    RunTelemetry(StoreWriter& store, Options options);
    ~RunTelemetry();
    RunTelemetry(const RunTelemetry&) = delete;
    RunTelemetry& operator=(const RunTelemetry&) = delete;

    /// This session's energy so far (CPU and GPUs) and where it came from.
    EnergyFigure sessionEnergy() const;
    /// The run's energy so far, earlier sessions included.
    double runEnergyJ() const { return options_.previousEnergyJ + sessionEnergy().joules; }
    /// Stops sampling: nothing is recorded after the run's end.
    void stopSampling();
    const CostSettings& costs() const { return costs_; }

private:
    StoreWriter& store_;
    Options options_;
    CostSettings costs_;
    std::shared_ptr<GpuTelemetry> gpus_;
    EnergyAccount energy_;
    std::unique_ptr<SystemSampler> sampler_;
};

} // namespace trainlab
