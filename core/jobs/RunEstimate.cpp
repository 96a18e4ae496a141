#include "jobs/RunEstimate.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "parallel/Devices.h"
#include "telemetry/EnergyAccount.h"
#include "train/ThreadBudget.h"
#include "train/TrainingProbe.h"

#include <QThread>
#include <chrono>
#include <cmath>

namespace trainlab {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

QJsonValue optionalValue(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue();
}

} // namespace

QString durationText(double seconds) {
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
}

QString RunEstimate::summaryLine() const {
    const bool sweep = trials > 1;
    const std::optional<double> money = sweep ? sweepCost : cost;
    QString line = QStringLiteral("%1%2, %3 kJ, %4 device-hours")
                       .arg(mayEndEarly || pruning ? QStringLiteral("at most ") : QString())
                       .arg(durationText(sweep ? sweepSeconds : seconds))
                       .arg((sweep ? sweepEnergyJ : energyJ) / 1000, 0, 'f', 1)
                       .arg(sweep ? sweepDeviceHours : deviceHours, 0, 'f', 3);
    if (money)
        line += QStringLiteral(", cost %1").arg(*money, 0, 'f', 2);
    if (sweep)
        line += QStringLiteral(" for %1 trials (one: %2)").arg(trials).arg(durationText(seconds));
    return line;
}

void checkEstimateOptions(const EstimateOptions& o) {
    if (!(o.probeSeconds >= 0.1) || !std::isfinite(o.probeSeconds) || o.probeSeconds > 600)
        throw InputError(QStringLiteral("estimate --seconds: must be between 0.1 and 600, got %1")
                             .arg(o.probeSeconds));
}

QJsonObject RunEstimate::toJson() const {
    return {{QStringLiteral("device"), device},
            {QStringLiteral("threads"), threads},
            {QStringLiteral("read_seconds"), readSeconds},
            {QStringLiteral("train_samples_per_second"), trainSamplesPerSecond},
            {QStringLiteral("eval_samples_per_second"), evalSamplesPerSecond},
            {QStringLiteral("steps"), qint64(steps)},
            {QStringLiteral("epochs"), epochs},
            {QStringLiteral("train_seconds"), trainSeconds},
            {QStringLiteral("eval_seconds"), evalSeconds},
            {QStringLiteral("checkpoint_seconds"), checkpointSeconds},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("cpu_seconds"), cpuSeconds},
            {QStringLiteral("energy_j"), energyJ},
            {QStringLiteral("energy_source"), energySource},
            {QStringLiteral("device_hours"), deviceHours},
            {QStringLiteral("cost"), optionalValue(cost)},
            {QStringLiteral("may_end_early"), mayEndEarly},
            {QStringLiteral("trials"), trials},
            {QStringLiteral("parallel"), parallel},
            {QStringLiteral("pruning"), pruning},
            {QStringLiteral("sweep_seconds"), sweepSeconds},
            {QStringLiteral("sweep_energy_j"), sweepEnergyJ},
            {QStringLiteral("sweep_device_hours"), sweepDeviceHours},
            {QStringLiteral("sweep_cost"), optionalValue(sweepCost)},
            {QStringLiteral("probe_seconds"), probeSeconds}};
}

RunEstimate estimateRun(const ExperimentSpec& spec, const EstimateOptions& options,
                        const CostSettings& costs, const std::atomic<bool>* cancel) {
    checkEstimateOptions(options);
    const auto started = std::chrono::steady_clock::now();
    RunEstimate e;
    const QStringList devices = resolveDevices(spec.devices);
    e.device = devices.value(0, QStringLiteral("cpu"));
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
    e.readSeconds = secondsSince(started);

    const TrainingSpec& t = spec.training;
    const int cores = options.cpuThreads > 0 ? options.cpuThreads
                      : t.threads > 0        ? t.threads
                                             : std::max(1, QThread::idealThreadCount());
    const ThreadBudget budget =
        threadBudget(cores, spec.dataset.loader.workers, spec.dataset.augment.enabled());
    e.threads = budget.loaderWorkers + budget.intraOpThreads;
    TrainingProbe probe(spec, data, e.device, options.teacher);
    const ProbeSetup setup =
        ProbeSetup::timed(int(std::min<int64_t>(t.batchSize, data.train.size())),
                          budget.loaderWorkers, budget.intraOpThreads, options.probeSeconds);
    // The energy meter counts this process's CPU time (or RAPL's joules) over the probe alone.
    const EnergyAccount meter(costs.wattsPerCore);
    const auto probeStart = std::chrono::steady_clock::now();
    const ProbeMeasurement m = probe.measure(setup, cancel);
    const double probeWall = secondsSince(probeStart);
    const double probeCpuSeconds = meter.cpuSecondsSinceStart();
    const EnergyFigure probeEnergy = meter.figure(probeCpuSeconds);
    if (m.outOfMemory)
        throw EnvironmentError(QStringLiteral("estimate: batch %1 does not fit on %2: %3")
                                   .arg(setup.batchSize)
                                   .arg(e.device, m.error));
    e.trainSamplesPerSecond = m.samplesPerSecond;
    e.evalSamplesPerSecond =
        probe.evaluationSpeed(std::max(t.batchSize, 256), std::min(1.0, options.probeSeconds / 2));

    const int64_t batchesPerEpoch =
        (data.train.size() + setup.batchSize - 1) / std::max(1, setup.batchSize);
    const int64_t stepsPerEpoch =
        std::max<int64_t>(1, batchesPerEpoch / std::max(1, t.gradAccumulation));
    e.steps = stepsPerEpoch * t.epochs;
    if (t.maxSteps > 0)
        e.steps = std::min<int64_t>(e.steps, t.maxSteps);
    e.epochs = double(e.steps) / double(stepsPerEpoch);
    const double trainSamples = double(e.steps) * t.gradAccumulation * setup.batchSize;
    e.trainSeconds = e.trainSamplesPerSecond > 0 ? trainSamples / e.trainSamplesPerSecond : 0;
    const double evalSamples =
        std::ceil(e.epochs) * double(data.validation.size()) + double(data.test.size());
    e.evalSeconds = e.evalSamplesPerSecond > 0 ? evalSamples / e.evalSamplesPerSecond : 0;
    const auto [lastSeconds, bestSeconds] = probe.checkpointSeconds();
    const int wholeEpochs = int(std::ceil(e.epochs));
    const int every = t.checkpointEveryEpochs;
    const int lastWrites =
        (every > 0 ? wholeEpochs / every : 0) + (every <= 0 || wholeEpochs % every != 0 ? 1 : 0);
    const int bestWrites = data.validation.size() > 0 ? wholeEpochs : 0;
    e.checkpointSeconds = lastWrites * lastSeconds + bestWrites * bestSeconds;
    e.seconds = e.readSeconds + e.trainSeconds + e.evalSeconds + e.checkpointSeconds;
    if (t.maxWallTimeS > 0)
        e.seconds = std::min(e.seconds, t.maxWallTimeS);
    const double cpuRate = probeWall > 0 ? probeCpuSeconds / probeWall : 0;
    e.cpuSeconds = cpuRate * e.seconds;
    e.energyJ = probeWall > 0 ? probeEnergy.joules / probeWall * e.seconds : 0;
    e.energySource = probeEnergy.source;
    if (e.device.startsWith(QLatin1String("cuda")))
        e.energySource += QStringLiteral("; the GPUs' energy is not in the estimate");
    e.deviceHours = e.seconds / 3600.0 * double(std::max<qsizetype>(1, devices.size()));
    e.cost = costs.cost(e.energyJ, e.deviceHours);
    e.mayEndEarly = !t.earlyStopping.metric.isEmpty();
    scaleToSweep(e, 1, 1, false);
    e.probeSeconds = secondsSince(started);
    return e;
}

void scaleToSweep(RunEstimate& e, int trials, int parallel, bool pruning) {
    e.trials = std::max(1, trials);
    e.parallel = std::max(1, parallel);
    e.pruning = pruning;
    const bool gpus = e.device.startsWith(QLatin1String("cuda"));
    // On the CPU parallel trials divide the same cores: the work, not the wall time, is shared.
    const int atOnce = gpus ? e.parallel : 1;
    e.sweepSeconds = std::ceil(double(e.trials) / atOnce) * e.seconds;
    e.sweepEnergyJ = e.trials * e.energyJ;
    e.sweepDeviceHours = e.trials * e.deviceHours;
    e.sweepCost = e.cost ? std::optional<double>(*e.cost * e.trials) : std::nullopt;
}

} // namespace trainlab
