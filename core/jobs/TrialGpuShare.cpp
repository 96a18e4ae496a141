#include "jobs/TrialGpuShare.h"

#include "data/DatasetShape.h"
#include "model/ModelAnalysis.h"
#include "telemetry/NvmlLibrary.h"

#include <algorithm>
#include <cmath>

namespace trainlab {

namespace {

constexpr double kHeadroom = 1.5;
constexpr double kShareStep = 1.0 / 64;

/// Tensors the optimizer keeps a parameter.
int optimizerStates(const OptimizerSpec& optimizer) {
    if (optimizer.type == QLatin1String("adam") || optimizer.type == QLatin1String("adamw"))
        return 2; // first and second moments
    if (optimizer.type == QLatin1String("rmsprop"))
        return optimizer.momentum > 0 ? 2 : 1; // square average, and the momentum buffer
    if (optimizer.type == QLatin1String("adagrad"))
        return 1;                          // sum of squares
    return optimizer.momentum > 0 ? 1 : 0; // sgd: the momentum buffer
}

} // namespace

TrainingMemoryEstimate estimateTrainingMemory(const ExperimentSpec& spec) {
    const DatasetShape shape = datasetShape(spec.dataset, spec.training.seed);
    const ModelAnalysis model = analyzeModel(spec.model, shape.sampleShape, shape.outputs);
    const double parameters = double(model.parameters);
    const double batch = double(std::max(1, spec.training.batchSize));
    const double activationBytes = spec.training.precision == QLatin1String("fp32") ? 4.0 : 2.0;
    TrainingMemoryEstimate estimate;
    estimate.weights = parameters * 4;
    estimate.gradients = parameters * 4;
    estimate.optimizer = parameters * 4 * optimizerStates(spec.training.optimizer);
    estimate.activations = double(model.activationElements) * batch * activationBytes;
    estimate.inputs = double(elementCount(shape.sampleShape)) * batch * 4;
    return estimate;
}

double gpuShareFor(double trialBytes, double gpuBytes) {
    if (!(gpuBytes > 0) || !(trialBytes >= 0))
        return 1.0;
    const double share = std::ceil(trialBytes * kHeadroom / gpuBytes / kShareStep) * kShareStep;
    return std::clamp(share, kShareStep, 1.0);
}

std::optional<double> smallestGpuMemory(const QStringList& gpus, const NvmlLibrary& nvml) {
    if (!nvml.available() || gpus.isEmpty())
        return std::nullopt;
    std::optional<double> smallest;
    for (const QString& gpu : gpus) {
        bool ok = false;
        const int cuda = gpu.section(QLatin1Char(':'), 1).toInt(&ok);
        const std::optional<int> index = ok ? nvml.indexOfCudaDevice(cuda) : std::nullopt;
        const std::optional<GpuReading> reading = index ? nvml.read(*index) : std::nullopt;
        if (!reading || !reading->memTotalBytes)
            return std::nullopt;
        smallest = std::min(smallest.value_or(*reading->memTotalBytes), *reading->memTotalBytes);
    }
    return smallest;
}

QString gpuShareNote(int trial, const ExperimentSpec& spec, double share,
                     std::optional<double> gpuBytes, const QString& nvmlStatus) {
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    if (!gpuBytes)
        return QStringLiteral("trial %1: a whole GPU (trials_per_gpu auto: no GPU memory size "
                              "to share by; %2)")
            .arg(trial)
            .arg(nvmlStatus);
    return QStringLiteral("trial %1: %2/64 of a GPU (an estimated %3 GiB to train, and half "
                          "again for headroom, of %4 GiB)")
        .arg(trial)
        .arg(std::lround(share * 64))
        .arg(estimateTrainingMemory(spec).total() / kGiB, 0, 'f', 2)
        .arg(*gpuBytes / kGiB, 0, 'f', 1);
}

} // namespace trainlab
