#pragma once

#include "model/LayerContext.h"
#include "model/LayerField.h"

#include <QString>
#include <vector>

// The factory returns a torch module, but this header stays torch-free (the window's model
// designer reads layer types without torch); only factories and the builder see the definition.
namespace torch::nn {
class AnyModule;
}

namespace trainlab {

class LayerBuild;

/// Works out a layer's output shape, parameters, FLOPs and activation memory without torch;
/// fails (LayerContext::fail) when the layer cannot take its input.
using LayerInference = LayerEstimate (*)(const LayerContext& layer);
/// Makes the torch module for a layer whose inference succeeded. Its parameters must number
/// what the inference said: the builder checks.
using LayerFactory = torch::nn::AnyModule (*)(const LayerBuild& layer);

/// Everything TrainLab knows about one layer type, in one definition that spec validation, the
/// model summary, the model builder and the model designer all read.
struct LayerType {
    QString name; ///< the spec's "type"
    QString help;
    std::vector<LayerField> fields;
    LayerInference infer = nullptr;
    LayerFactory make = nullptr;
    /// The family it belongs to ("Convolution", "Pooling", ...): how the model designer's
    /// palette groups the types.
    QString category{}; // braced: definitions without one stay warning-free (-Wextra)

    const LayerField* field(const QString& fieldName) const {
        for (const LayerField& f : fields) {
            if (f.name == fieldName)
                return &f;
        }
        return nullptr;
    }
};

} // namespace trainlab
