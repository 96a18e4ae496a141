#pragma once

#include <torch/nn/modules/container/sequential.h>

namespace trainlab {

/// Milliseconds per forward pass over the rounds of a timing: the median round and the spread.
struct LatencyFigures {
    double medianMs = 0;
    double minMs = 0;
    double maxMs = 0;
};

struct LatencyComparison {
    LatencyFigures reference;
    LatencyFigures candidate;
    double speedup() const {
        return candidate.medianMs > 0 ? reference.medianMs / candidate.medianMs : 0;
    }
};

/// Times forward passes of two models on `input` without gradients, on `threads` intra-op
/// threads: after a warm-up, `rounds` rounds of `repeats` passes each, the models taking turns
/// going first, so a change in the machine's speed (other processes, clock) falls on both.
/// Restores the thread count it found.
LatencyComparison compareLatency(torch::nn::Sequential& reference, torch::nn::Sequential& candidate,
                                 const torch::Tensor& input, int threads = 1, int rounds = 7,
                                 int repeats = 20);

} // namespace trainlab
