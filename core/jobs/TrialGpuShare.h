#pragma once

#include "spec/ExperimentSpec.h"

#include <QStringList>
#include <optional>

namespace trainlab {

class NvmlLibrary;

/// What a training step of a spec holds on its device, estimated from the model without
/// building it (the model summary's arithmetic), in bytes.
struct TrainingMemoryEstimate {
    double weights = 0;     ///< fp32 parameters (mixed precision keeps fp32 masters)
    double gradients = 0;   ///< one fp32 value a parameter
    double optimizer = 0;   ///< Adam and AdamW two tensors a parameter, SGD with momentum one...
    double activations = 0; ///< kept for the backward pass at the batch size (half under bf16/fp16)
    double inputs = 0;      ///< the batch itself
    double total() const { return weights + gradients + optimizer + activations + inputs; }
};

/// The estimate for `spec` on its own dataset: the sample shape from the dataset block, or read
/// through the dataset cache where it lives in files. Throws InputError naming a file it cannot
/// read, or the layer that does not fit its input.
TrainingMemoryEstimate estimateTrainingMemory(const ExperimentSpec& spec);

/// The part of a GPU of `gpuBytes` that a trial whose estimate is `trialBytes` takes: the
/// estimate and half as much again for what it leaves out (the caching allocator's rounding,
/// cuDNN's workspaces, temporaries), rounded up to a 64th; at least a 64th, at most all of it.
double gpuShareFor(double trialBytes, double gpuBytes);

/// The memory of the smallest of `gpus` ("cuda:N"), as NVML reports it: any of them may get
/// the trial. nullopt when NVML is not available or has no reading of one of them.
std::optional<double> smallestGpuMemory(const QStringList& gpus, const NvmlLibrary& nvml);

/// The sweep's line for trial `trial` placed by its estimated memory ("trials_per_gpu":
/// "auto"): the part of a GPU it got and from what, or why it got a whole one.
QString gpuShareNote(int trial, const ExperimentSpec& spec, double share,
                     std::optional<double> gpuBytes, const QString& nvmlStatus);

} // namespace trainlab
