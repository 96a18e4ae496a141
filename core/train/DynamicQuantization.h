#pragma once

#include <QString>
#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

/// Selects the engine int8 kernels are packed for, for the whole process: `wanted` ("onednn",
/// "x86", "fbgemm", "qnnpack"), or when empty the first this LibTorch has of oneDNN, x86,
/// FBGEMM and QNNPACK (Debian's 1.13 has oneDNN and QNNPACK; at batch 64 on one thread
/// oneDNN's linear layers were the faster, see tests/bench/bench_compress.cpp). Returns its
/// name. Throws InputError for a wanted engine this LibTorch lacks, EnvironmentError when it
/// has none.
QString selectQuantizedEngine(const QString& wanted = {});

/// A model whose linear layers compute in int8.
struct QuantizedModel {
    torch::nn::Sequential net;
    int quantizedLayers = 0;
    /// The int8 model as a file: int8 weights with their scales, every other tensor fp32, in
    /// the format of pickleTensors.
    std::vector<char> file;
    QString engine;
};

/// Post-training dynamic quantization with the defaults of PyTorch's quantize_dynamic: each
/// top-level linear layer's weights become int8 with one symmetric scale per tensor, and its
/// inputs are quantized batch by batch as it runs (quantized::linear_dynamic). Other layers,
/// and linear layers nested in containers, stay fp32 and are shared with `model`. CPU only.
/// `engine`: see selectQuantizedEngine.
QuantizedModel quantizeDynamic(const torch::nn::Sequential& model, const QString& engine = {});

} // namespace trainlab
