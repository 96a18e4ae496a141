#include "train/GradScaler.h"

#include <ATen/ATen.h>

namespace trainlab {

GradScaler::GradScaler(const torch::Device& device, double initialScale, double growthFactor,
                       double backoffFactor, int64_t growthInterval)
    : scale_(torch::full({1}, initialScale,
                         torch::TensorOptions().dtype(torch::kFloat32).device(device)))
    , growth_(torch::zeros({1}, torch::TensorOptions().dtype(torch::kInt32).device(device)))
    , foundInf_(torch::zeros({1}, torch::TensorOptions().dtype(torch::kFloat32).device(device)))
    , growthFactor_(growthFactor)
    , backoffFactor_(backoffFactor)
    , growthInterval_(growthInterval) {}

bool GradScaler::unscale(std::vector<torch::Tensor>& grads) {
    foundInf_.zero_();
    const auto inverse = scale_.to(torch::kFloat64).reciprocal().to(torch::kFloat32);
    if (scale_.is_cuda()) {
        at::_amp_foreach_non_finite_check_and_unscale_(grads, foundInf_, inverse);
    } else {
        for (auto& g : grads) {
            if (!torch::isfinite(g).all().item<bool>())
                foundInf_.fill_(1.0);
            g.mul_(inverse);
        }
    }
    const bool finite = foundInf_.item<float>() == 0.0F;
    if (!finite)
        ++skipped_;
    return finite;
}

void GradScaler::update() {
    if (scale_.is_cuda()) {
        at::_amp_update_scale_(scale_, growth_, foundInf_, growthFactor_, backoffFactor_,
                               growthInterval_);
        return;
    }
    // _amp_update_scale_'s rule: back off and reset on inf; else grow every interval steps.
    if (foundInf_.item<float>() != 0.0F) {
        scale_.mul_(backoffFactor_);
        growth_.zero_();
    } else if (growth_.item<int>() + 1 >= growthInterval_) {
        scale_.mul_(growthFactor_);
        growth_.zero_();
    } else {
        growth_.add_(1);
    }
}

} // namespace trainlab
