// dropout: zeroes activations at random while training.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"

#include "model/layers/SeededDropout.h"

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Dropout");

// No FLOPs: at inference dropout is the identity, and while training its mask costs little next
// to the layers around it.
LayerEstimate inferDropout(const LayerContext& layer) {
    return {layer.input()};
}

torch::nn::AnyModule makeDropout(const LayerBuild& layer) {
    return torch::nn::AnyModule(SeededDropout(layer.number("p")));
}

} // namespace

void registerDropoutLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("dropout"),
                  QStringLiteral("Zeroes activations with probability p while training"),
                  {numberField("p", 0.5, kProbability, "drop probability")},
                  inferDropout,
                  makeDropout,
                  kCategory});
}

} // namespace trainlab
