#include "model/layers/BuiltinLayers.h"

namespace trainlab {

void registerBuiltinLayers(LayerRegistry& registry) {
    registerLinearLayers(registry);
    registerConvLayers(registry);
    registerNormalizationLayers(registry);
    registerDropoutLayers(registry);
    registerActivationLayers(registry);
    registerPoolingLayers(registry);
    registerReshapeLayers(registry);
    registerEmbeddingLayers(registry);
    registerRecurrentLayers(registry);
    registerAttentionLayers(registry);
    registerResidualLayers(registry);
}

} // namespace trainlab
