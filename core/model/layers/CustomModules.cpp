#include "model/layers/CustomModules.h"

#include "base/Errors.h"

#include <torch/nn/init.h>

namespace trainlab {

torch::Tensor ToSequenceImpl::forward(const torch::Tensor& x) {
    if (x.dim() == 4)
        return x.permute({0, 2, 1, 3}).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
    if (x.dim() == 2)
        return x.unsqueeze(-1);
    return x;
}

TokenEmbeddingImpl::TokenEmbeddingImpl(int64_t vocab, int64_t dim)
    : embedding(register_module("embedding", torch::nn::Embedding(vocab, dim)))
    , vocab(vocab) {}

torch::Tensor TokenEmbeddingImpl::forward(const torch::Tensor& x) {
    const auto ids = x.is_floating_point() ? x.round().to(torch::kInt64) : x.to(torch::kInt64);
    const int64_t low = ids.min().item<int64_t>();
    const int64_t high = ids.max().item<int64_t>();
    if (low < 0 || high >= vocab)
        throw InputError(QStringLiteral("embedding: token id %1 is outside 0..%2 (raise vocab)")
                             .arg(low < 0 ? low : high)
                             .arg(vocab - 1));
    return embedding->forward(ids);
}

PositionalEmbeddingImpl::PositionalEmbeddingImpl(int64_t length, int64_t dim) {
    positions = register_parameter("positions", torch::randn({length, dim}) * 0.02);
}

RecurrentImpl::RecurrentImpl(const RecurrentOptions& o)
    : lastOnly(o.lastOnly)
    , bidirectional(o.bidirectional) {
    if (o.lstm)
        lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(o.input, o.hidden)
                                                           .num_layers(o.layers)
                                                           .dropout(o.dropout)
                                                           .bidirectional(o.bidirectional)
                                                           .batch_first(true)));
    else
        gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(o.input, o.hidden)
                                                        .num_layers(o.layers)
                                                        .dropout(o.dropout)
                                                        .bidirectional(o.bidirectional)
                                                        .batch_first(true)));
}

torch::Tensor RecurrentImpl::forward(const torch::Tensor& x) {
    const torch::Tensor out = lstm ? std::get<0>(lstm->forward(x)) : std::get<0>(gru->forward(x));
    if (!lastOnly)
        return out;
    if (!bidirectional)
        return out.select(1, -1);
    // The forward direction ends at the last step, the backward one at the first.
    const int64_t hidden = out.size(2) / 2;
    return torch::cat(
        {out.select(1, -1).narrow(1, 0, hidden), out.select(1, 0).narrow(1, hidden, hidden)}, 1);
}

SelfAttentionImpl::SelfAttentionImpl(int64_t dim, int64_t heads, double dropout)
    : attention(register_module(
          "attention", torch::nn::MultiheadAttention(
                           torch::nn::MultiheadAttentionOptions(dim, heads).dropout(dropout)))) {}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
    const auto t = x.transpose(0, 1);
    return std::get<0>(attention->forward(t, t, t, {}, /*need_weights=*/false)).transpose(0, 1);
}

EncoderLayerImpl::EncoderLayerImpl(const torch::nn::TransformerEncoderLayerOptions& options)
    : layer(register_module("layer", torch::nn::TransformerEncoderLayer(options))) {}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x) {
    return layer->forward(x.transpose(0, 1)).transpose(0, 1);
}

ResidualImpl::ResidualImpl(torch::nn::Sequential bodyLayers, torch::nn::Sequential projectionLayers)
    : body(register_module("body", std::move(bodyLayers)))
    , projection(register_module("projection", std::move(projectionLayers))) {}

torch::Tensor ResidualImpl::forward(const torch::Tensor& x) {
    return body->forward(x) + (projection->is_empty() ? x : projection->forward(x));
}

} // namespace trainlab
