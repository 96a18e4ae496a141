// embedding and positional_embedding: learned vectors for token ids and sequence positions.
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"
#include "model/layers/CustomModules.h"

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Embedding");

// A lookup, not arithmetic: no FLOPs.
LayerEstimate inferEmbedding(const LayerContext& layer) {
    layer.requireRank({1}, QStringLiteral("[sequence] of token ids"));
    const int64_t dim = layer.integer("dim");
    LayerEstimate estimate{{layer.input()[0], dim}};
    estimate.parameters = layer.integer("vocab") * dim;
    return estimate;
}

torch::nn::AnyModule makeEmbedding(const LayerBuild& layer) {
    return torch::nn::AnyModule(TokenEmbedding(layer.integer("vocab"), layer.integer("dim")));
}

LayerEstimate inferPositionalEmbedding(const LayerContext& layer) {
    layer.requireRank({2}, QStringLiteral("[sequence, features]"));
    LayerEstimate estimate{layer.input()};
    estimate.parameters = elementCount(layer.input());
    estimate.flops = double(elementCount(layer.input()));
    return estimate;
}

torch::nn::AnyModule makePositionalEmbedding(const LayerBuild& layer) {
    return torch::nn::AnyModule(PositionalEmbedding(layer.input()[0], layer.input()[1]));
}

} // namespace

void registerEmbeddingLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("embedding"),
                  QStringLiteral("Token ids [L] to vectors [L, dim]"),
                  {requiredIntField("vocab", kAtLeastOne, "number of token ids"),
                   requiredIntField("dim", kAtLeastOne, "vector size")},
                  inferEmbedding,
                  makeEmbedding,
                  kCategory});
    registry.add({QStringLiteral("positional_embedding"),
                  QStringLiteral("Adds a learned vector per sequence position to [L, E]"),
                  {},
                  inferPositionalEmbedding,
                  makePositionalEmbedding,
                  kCategory});
}

} // namespace trainlab
