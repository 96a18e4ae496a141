// attention and transformer_encoder: multi-head self-attention over [L, E].
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"
#include "model/layers/CustomModules.h"

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Attention");

// Self-attention as both layer types have it: query, key, value and output projections
// (E x E weights and biases each) and the score and mixing products over L x L.
LayerEstimate inferSelfAttention(const LayerContext& layer) {
    layer.requireRank({2}, QStringLiteral("[sequence, features]"));
    const int64_t length = layer.input()[0];
    const int64_t dim = layer.input()[1];
    const int64_t heads = layer.integer("heads");
    if (dim % heads != 0)
        layer.fail(
            QStringLiteral("needs features (%1) divisible by heads (%2)").arg(dim).arg(heads));
    LayerEstimate estimate{layer.input()};
    estimate.parameters = 4 * dim * dim + 4 * dim;
    estimate.flops =
        2.0 * 4.0 * double(length * dim * dim) + 2.0 * 2.0 * double(length * length * dim);
    return estimate;
}

torch::nn::AnyModule makeSelfAttention(const LayerBuild& layer) {
    return torch::nn::AnyModule(
        SelfAttention(layer.input()[1], layer.integer("heads"), layer.number("dropout")));
}

int64_t feedForwardWidth(const LayerContext& layer) {
    return layer.integer("ff", 4 * layer.input()[1]);
}

LayerEstimate inferEncoder(const LayerContext& layer) {
    LayerEstimate estimate = inferSelfAttention(layer);
    const int64_t length = layer.input()[0];
    const int64_t dim = layer.input()[1];
    const int64_t ff = feedForwardWidth(layer);
    // Two feed-forward linears and two layer norms around the attention.
    estimate.parameters += (dim * ff + ff) + (ff * dim + dim) + 2 * (2 * dim);
    estimate.flops += 2.0 * 2.0 * double(length * dim * ff);
    return estimate;
}

torch::nn::AnyModule makeEncoder(const LayerBuild& layer) {
    auto options =
        torch::nn::TransformerEncoderLayerOptions(layer.input()[1], layer.integer("heads"))
            .dim_feedforward(feedForwardWidth(layer))
            .dropout(layer.number("dropout"));
    if (layer.choice("activation") == QLatin1String("gelu"))
        options.activation(torch::kGELU);
    return torch::nn::AnyModule(EncoderLayer(options));
}

} // namespace

void registerAttentionLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("attention"),
                  QStringLiteral("Multi-head self-attention over [L, E]"),
                  {intField("heads", 4, kAtLeastOne, "attention heads"),
                   numberField("dropout", 0.0, kProbability, "on attention weights")},
                  inferSelfAttention,
                  makeSelfAttention,
                  kCategory});
    registry.add(
        {QStringLiteral("transformer_encoder"),
         QStringLiteral("Transformer encoder layer over [L, E]"),
         {intField("heads", 4, kAtLeastOne, "attention heads"),
          inferredIntField("ff", kAtLeastOne, "feed-forward width; omitted: 4 * E"),
          numberField("dropout", 0.1, kProbability, "dropout"),
          choiceField("activation", "relu", {QStringLiteral("relu"), QStringLiteral("gelu")},
                      "feed-forward activation")},
         inferEncoder,
         makeEncoder,
         kCategory});
}

} // namespace trainlab
