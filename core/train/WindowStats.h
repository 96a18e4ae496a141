#pragma once

#include <optional>
#include <torch/types.h>

namespace trainlab {

/// The training loss and accuracy of one logging window, summed over its micro-batches.
///
/// On the CPU each batch's values are read at once: reading costs no wait there, and a loss that
/// turns NaN stops the run at its very step. On a GPU they are summed on the device and read when
/// the window is logged, so no batch waits for the device to drain its queue.
class WindowStats {
public:
    explicit WindowStats(bool onDevice)
        : onDevice_(onDevice) {}

    /// Adds a micro-batch: its mean loss, and for classification its logits and class targets.
    /// Returns the batch's loss when it was read now (not on the device).
    std::optional<double> add(const torch::Tensor& loss, const torch::Tensor& outputs,
                              const torch::Tensor& targets, bool classification);

    struct Totals {
        double lossSum = 0; ///< the batches' mean losses, each times its samples
        int64_t correct = 0;
        int64_t samples = 0;
    };
    /// The window's sums (read from the device if they are there); starts a new window.
    Totals take();

private:
    bool onDevice_;
    Totals read_;
    torch::Tensor lossSum_; ///< on the device
    torch::Tensor correct_; ///< on the device
};

/// How many rows of `outputs` ([batch, classes]) have their largest value at `targets`' class,
/// the first of equal largest values counting, as argmax picks.
int64_t correctPredictions(const torch::Tensor& outputs, const torch::Tensor& targets);

} // namespace trainlab
