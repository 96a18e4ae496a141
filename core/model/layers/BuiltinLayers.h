#pragma once

namespace trainlab {

class LayerRegistry;

/// Adds every built-in layer type, family by family, in the order the spec loader lists them.
void registerBuiltinLayers(LayerRegistry& registry);

// One per file under model/layers/; each adds its family's types.
void registerLinearLayers(LayerRegistry& registry);
void registerConvLayers(LayerRegistry& registry);
void registerNormalizationLayers(LayerRegistry& registry);
void registerDropoutLayers(LayerRegistry& registry);
void registerActivationLayers(LayerRegistry& registry);
void registerPoolingLayers(LayerRegistry& registry);
void registerReshapeLayers(LayerRegistry& registry);
void registerEmbeddingLayers(LayerRegistry& registry);
void registerRecurrentLayers(LayerRegistry& registry);
void registerAttentionLayers(LayerRegistry& registry);
void registerResidualLayers(LayerRegistry& registry);

} // namespace trainlab
