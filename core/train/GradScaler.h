#pragma once

#include <torch/types.h>
#include <vector>

namespace trainlab {

/// Dynamic loss scaling for fp16 training, as PyTorch's GradScaler: the loss is multiplied by
/// the scale before backward; gradients are unscaled and checked for inf/NaN before the step;
/// a step with non-finite gradients is skipped and the scale backs off, and after
/// `growthInterval` good steps in a row it grows. On CUDA the work is done by ATen's own AMP
/// kernels (_amp_foreach_non_finite_check_and_unscale_, _amp_update_scale_); LibTorch 1.13
/// has no CPU kernels for them, so on the CPU the same arithmetic runs as plain tensor ops
/// (used by the tests; fp16 training itself is refused on the CPU).
class GradScaler {
public:
    explicit GradScaler(const torch::Device& device, double initialScale = 65536.0,
                        double growthFactor = 2.0, double backoffFactor = 0.5,
                        int64_t growthInterval = 2000);

    torch::Tensor scale(const torch::Tensor& loss) const { return loss * scale_; }
    /// Unscales `grads` in place; returns true when all are finite (the step may be taken).
    bool unscale(std::vector<torch::Tensor>& grads);
    /// Adjusts the scale after a step decision made by unscale().
    void update();
    double currentScale() const { return scale_.item<double>(); }
    int64_t skippedSteps() const { return skipped_; }

private:
    torch::Tensor scale_;    ///< [1] float32
    torch::Tensor growth_;   ///< [1] int32, good steps in a row
    torch::Tensor foundInf_; ///< [1] float32, 1 when the last unscale saw inf/NaN
    double growthFactor_;
    double backoffFactor_;
    int64_t growthInterval_;
    int64_t skipped_ = 0;
};

} // namespace trainlab
