#pragma once

#include "spec/ExperimentSpec.h"
#include "telemetry/CostSettings.h"

#include <QJsonObject>
#include <atomic>
#include <memory>
#include <optional>

namespace trainlab {

struct TeacherModel;

/// A pre-flight estimate's probe: how long it trains and evaluates, on how many threads.
struct EstimateOptions {
    double probeSeconds = 2.0; ///< training timed for this long after a warm-up
    int cpuThreads = 0;        ///< 0: the spec's training.threads, else every core
    /// training.distill's teacher, run beside the model in every probed step; null: none.
    std::shared_ptr<const TeacherModel> teacher;
};

/// What a run of a spec will take, from a short probe of its own training: time, CPU time,
/// energy, device hours and money, before it starts. An upper bound where the run may end
/// early (early stopping; ASHA in a sweep).
struct RunEstimate {
    QString device;
    int threads = 0;
    double readSeconds = 0; ///< reading the data, as measured
    double trainSamplesPerSecond = 0;
    double evalSamplesPerSecond = 0;
    int64_t steps = 0; ///< optimizer steps the run plans (max_steps included)
    double epochs = 0; ///< as many epochs as those steps make
    double trainSeconds = 0;
    double evalSeconds = 0; ///< validation after each epoch and the test at the end
    /// Writing checkpoints: the resumable ones (every checkpoint_every_epochs and at the end)
    /// and best.pt after each epoch with a validation split (the most it is written).
    double checkpointSeconds = 0;
    double seconds = 0;    ///< read + train + evaluate + checkpoints (capped by max_wall_time_s)
    double cpuSeconds = 0; ///< CPU time at the probe's rate of CPU use
    double energyJ = 0;
    QString energySource; ///< how the probe's energy was found (rapl, or an estimate)
    double deviceHours = 0;
    std::optional<double> cost; ///< empty when no price is set
    bool mayEndEarly = false;   ///< early stopping is on: the figures are the most it takes

    // A sweep's figures: its trials one after another on the CPU (parallel trials share the
    // cores), or `parallel` at a time on as many GPUs.
    int trials = 1;
    int parallel = 1;
    bool pruning = false; ///< ASHA may stop trials early: the sweep's figures are the most
    double sweepSeconds = 0;
    double sweepEnergyJ = 0;
    double sweepDeviceHours = 0;
    std::optional<double> sweepCost;

    double probeSeconds = 0; ///< what the estimate itself took

    QJsonObject toJson() const;
    /// "12 min 30 s, 41 kJ (estimate: ...), 0.21 device-hours, 0.03 in money" for the run, or
    /// the sweep's figures when it is one.
    QString summaryLine() const;
};

/// "2 h 05 min", "12 min 30 s", "45 s".
QString durationText(double seconds);

/// Throws InputError naming --seconds when the probe's time cannot be.
void checkEstimateOptions(const EstimateOptions& options);

/// Reads the spec's data (timed), trains its model for the probe's time on its first device and
/// evaluates briefly, and scales what it measured to the whole run. Costs come from `costs`.
RunEstimate estimateRun(const ExperimentSpec& spec, const EstimateOptions& options,
                        const CostSettings& costs, const std::atomic<bool>* cancel = nullptr);

/// A run's estimate scaled to a sweep of `trials` trials, `parallel` at once (on GPUs; on the
/// CPU they share the cores), with or without ASHA pruning.
void scaleToSweep(RunEstimate& estimate, int trials, int parallel, bool pruning);

} // namespace trainlab
