#pragma once

// Modules the layer types need beyond LibTorch's own: each takes and returns one batch
// tensor, so any of them fits in a Sequential.
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/modules/transformerlayer.h>
#include <torch/nn/pimpl.h>

namespace trainlab {

/// Images [B, C, H, W] to row sequences [B, H, C*W]; features [B, F] to [B, F, 1].
struct ToSequenceImpl : torch::nn::Module {
    torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(ToSequence);

/// [B, L, E] to [B, E].
struct SequenceMeanImpl : torch::nn::Module {
    torch::Tensor forward(const torch::Tensor& x) { return x.mean(1); }
};
TORCH_MODULE(SequenceMean);

/// Token ids (stored as numbers) to vectors; ids outside [0, vocab) are an error, not a clamp.
struct TokenEmbeddingImpl : torch::nn::Module {
    TokenEmbeddingImpl(int64_t vocab, int64_t dim);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Embedding embedding{nullptr};
    int64_t vocab;
};
TORCH_MODULE(TokenEmbedding);

/// A learned vector per position of a fixed-length sequence, added to [B, L, E].
struct PositionalEmbeddingImpl : torch::nn::Module {
    PositionalEmbeddingImpl(int64_t length, int64_t dim);
    torch::Tensor forward(const torch::Tensor& x) { return x + positions; }
    torch::Tensor positions;
};
TORCH_MODULE(PositionalEmbedding);

struct RecurrentOptions {
    bool lstm = true; ///< else GRU
    int64_t input = 0;
    int64_t hidden = 0;
    int64_t layers = 1;
    bool bidirectional = false;
    double dropout = 0;
    bool lastOnly = true; ///< the last step only, or every step
};

/// LSTM or GRU over [B, L, F] (batch first); returns the last step [B, H*dirs] or every step.
struct RecurrentImpl : torch::nn::Module {
    explicit RecurrentImpl(const RecurrentOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::LSTM lstm{nullptr};
    torch::nn::GRU gru{nullptr};
    bool lastOnly;
    bool bidirectional;
};
TORCH_MODULE(Recurrent);

/// Multi-head self-attention over [B, L, E].
struct SelfAttentionImpl : torch::nn::Module {
    SelfAttentionImpl(int64_t dim, int64_t heads, double dropout);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::MultiheadAttention attention{nullptr};
};
TORCH_MODULE(SelfAttention);

/// A transformer encoder layer over [B, L, E] (LibTorch's takes [L, B, E]).
struct EncoderLayerImpl : torch::nn::Module {
    explicit EncoderLayerImpl(const torch::nn::TransformerEncoderLayerOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::TransformerEncoderLayer layer{nullptr};
};
TORCH_MODULE(EncoderLayer);

/// body(x) + projection(x); the projection is empty when the shapes already match.
struct ResidualImpl : torch::nn::Module {
    ResidualImpl(torch::nn::Sequential body, torch::nn::Sequential projection);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Sequential body{nullptr};
    torch::nn::Sequential projection{nullptr};
};
TORCH_MODULE(Residual);

} // namespace trainlab
