#pragma once

#include "model/ModelSpec.h"
#include "model/Shape.h"

#include <QString>
#include <vector>

namespace trainlab {

/// What one layer does to a sample, for the model summary. Nested layers (inside a residual
/// block) have their own rows with a deeper path.
struct LayerShape {
    QString path; ///< model.layers[i] or model.layers[i].layers[j]
    QString type;
    Shape inputShape;               ///< without the batch dimension
    Shape outputShape;              ///< without the batch dimension
    int64_t parameters = 0;         ///< of this layer alone (a residual: its projection)
    double flops = 0;               ///< forward floating-point operations per sample
    int64_t activationElements = 0; ///< elements kept for the backward pass per sample
    int depth = 0;
};

/// A model worked out layer by layer from the layer registry, without building it.
struct ModelAnalysis {
    std::vector<LayerShape> layers; ///< depth-first, each container before its nested layers
    int64_t parameters = 0;
    double flops = 0;               ///< per sample
    int64_t activationElements = 0; ///< per sample, nested layers included
};

/// The layers a model spec stands for (a preset expanded, or the explicit list).
std::vector<LayerSpec> resolveLayers(const ModelSpec& spec);

/// Propagates `inputShape` through the model for a task with `outputSize` outputs. Throws
/// InputError at the first layer that cannot take its input, naming it and both shapes
/// (`model.layers[6]: linear expects 3136 inputs, gets 1568`), or when the model's output is
/// not [outputSize].
ModelAnalysis analyzeModel(const ModelSpec& spec, const Shape& inputShape, int64_t outputSize);

/// What analyzeModel finds, kept when it fails: an editor shows the rows that did work out and
/// marks the layer at fault.
struct ModelCheck {
    /// Every row worked out, up to and including the layer that failed (its output shape
    /// empty); the totals are set only when the model fits.
    ModelAnalysis analysis;
    QString error;     ///< analyzeModel's message; empty when the model fits
    QString errorPath; ///< the path the message names (`model.layers[3].layers[1]`, `model`)
    bool fits() const { return error.isEmpty(); }
};

/// analyzeModel without throwing on a model that does not fit its input or task.
ModelCheck checkModel(const ModelSpec& spec, const Shape& inputShape, int64_t outputSize);

} // namespace trainlab
