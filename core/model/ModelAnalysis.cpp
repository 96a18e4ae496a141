#include "model/ModelAnalysis.h"

#include "base/Errors.h"
#include "model/LayerRegistry.h"
#include "model/ModelPresets.h"

namespace trainlab {

namespace {

class Analysis final : public NestedInference {
public:
    Analysis(int64_t outputSize, std::vector<LayerShape>& rows)
        : outputSize_(outputSize)
        , rows_(rows) {}

    LayerEstimate inferNested(const std::vector<LayerSpec>& layers, const QString& prefix,
                              const Shape& input, int depth) override {
        const size_t firstRow = rows_.size();
        LayerEstimate total{input};
        for (size_t i = 0; i < layers.size(); ++i) {
            const QString path = prefix + QStringLiteral("[%1]").arg(i);
            const LayerSpec& spec = layers[i];
            const LayerType* type = layerRegistry().find(spec.type);
            if (!type)
                throw InputError(path + QStringLiteral(": ") + spec.type +
                                 QStringLiteral(" is not a known layer type"));
            // The row goes in before the layer's nested rows; it is indexed, not referenced,
            // because nested layers grow the vector.
            const size_t row = rows_.size();
            rows_.push_back({path, spec.type, total.output, {}, 0, 0, 0, depth});
            const LayerContext context(*type, spec, path, total.output, outputSize_, depth, this);
            const LayerEstimate estimate = type->infer(context);
            LayerShape& shape = rows_[row];
            shape.outputShape = estimate.output;
            shape.parameters = estimate.parameters;
            shape.flops = estimate.flops;
            shape.activationElements =
                estimate.activationElements.value_or(elementCount(estimate.output));
            total.output = estimate.output;
            total.flops += estimate.flops;
        }
        for (size_t r = firstRow; r < rows_.size(); ++r)
            total.parameters += rows_[r].parameters;
        return total;
    }

private:
    int64_t outputSize_;
    std::vector<LayerShape>& rows_;
};

} // namespace

std::vector<LayerSpec> resolveLayers(const ModelSpec& spec) {
    return spec.preset.isEmpty() ? spec.layers : expandPreset(spec.preset);
}

ModelAnalysis analyzeModel(const ModelSpec& spec, const Shape& inputShape, int64_t outputSize) {
    ModelCheck check = checkModel(spec, inputShape, outputSize);
    if (!check.fits())
        throw InputError(check.error);
    return std::move(check.analysis);
}

ModelCheck checkModel(const ModelSpec& spec, const Shape& inputShape, int64_t outputSize) {
    ModelCheck check;
    ModelAnalysis& analysis = check.analysis;
    Analysis walker(outputSize, analysis.layers);
    try {
        const LayerEstimate model =
            walker.inferNested(resolveLayers(spec), QStringLiteral("model.layers"), inputShape, 0);
        if (model.output != Shape{outputSize})
            throw InputError(QStringLiteral("model: the last layer outputs %1, the task needs "
                                            "[%2] (end with a linear layer without \"out\")")
                                 .arg(shapeText(model.output))
                                 .arg(outputSize));
        analysis.parameters = model.parameters;
        analysis.flops = model.flops;
    } catch (const InputError& e) {
        check.error = e.message();
        // Every message of the walk starts with the path of the layer at fault.
        check.errorPath = check.error.section(QStringLiteral(": "), 0, 0);
        return check;
    }
    for (const LayerShape& row : analysis.layers)
        analysis.activationElements += row.activationElements;
    return check;
}

} // namespace trainlab
