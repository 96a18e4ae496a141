#pragma once

// What a layer type's factory receives. Torch is in this header on purpose: only factories
// (model/layers/*.cpp) and the model builder include it.
#include "model/LayerContext.h"
#include "model/ModelAnalysis.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

/// Builds the nested layers of a container; the model builder implements it.
class NestedBuilder {
public:
    virtual torch::nn::Sequential buildNested(const std::vector<LayerSpec>& layers) = 0;
    /// Applies the model's weight initialization to a module a factory made itself.
    virtual void initialize(torch::nn::Module& module) const = 0;

protected:
    ~NestedBuilder() = default;
};

/// A layer whose inference succeeded, ready to become a module: its fields and input shape (as
/// LayerContext) and what the inference worked out (its row of the analysis).
class LayerBuild : public LayerContext {
public:
    LayerBuild(const LayerContext& context, const LayerShape& row, NestedBuilder& builder)
        : LayerContext(context)
        , row_(&row)
        , builder_(&builder) {}

    const Shape& output() const { return row_->outputShape; }
    const LayerShape& row() const { return *row_; }
    /// Builds the layers under a layer-list field; a factory calls it once per such field, in
    /// the order its inference inferred them.
    torch::nn::Sequential nested(const char* name) const {
        return builder_->buildNested(layers(name));
    }
    void initialize(torch::nn::Module& module) const { builder_->initialize(module); }

private:
    const LayerShape* row_;
    NestedBuilder* builder_;
};

} // namespace trainlab
