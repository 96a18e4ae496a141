#include "data/Augmentation.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/vision.h>

#include <cmath>
#include <numbers>

namespace trainlab {

namespace {

namespace F = torch::nn::functional;

torch::Tensor randomCrop(const torch::Tensor& x, int padding, at::Generator& gen) {
    const int64_t b = x.size(0);
    const int64_t h = x.size(2);
    const int64_t w = x.size(3);
    const auto padded = F::pad(x, F::PadFuncOptions({padding, padding, padding, padding}));
    const auto offsets = torch::randint(0, 2 * padding + 1, {b, 2}, gen, torch::kInt64);
    const auto* o = offsets.data_ptr<int64_t>();
    auto out = torch::empty_like(x);
    for (int64_t i = 0; i < b; ++i)
        out[i].copy_(padded[i].narrow(1, o[2 * i], h).narrow(2, o[2 * i + 1], w));
    return out;
}

torch::Tensor randomFlip(const torch::Tensor& x, at::Generator& gen) {
    const auto flip = torch::rand({x.size(0)}, gen) < 0.5;
    return torch::where(flip.view({-1, 1, 1, 1}), x.flip({3}), x);
}

torch::Tensor randomRotation(const torch::Tensor& x, double maxDegrees, at::Generator& gen) {
    const int64_t b = x.size(0);
    const auto angles = (torch::rand({b}, gen, torch::kFloat32) * 2.0 - 1.0) *
                        (maxDegrees * std::numbers::pi / 180.0);
    const auto c = angles.cos();
    const auto s = angles.sin();
    const auto zero = torch::zeros_like(c);
    // Rows [cos -sin 0; sin cos 0] per sample: rotation about the image centre.
    const auto theta =
        torch::stack({torch::stack({c, -s, zero}, 1), torch::stack({s, c, zero}, 1)}, 1);
    const auto grid = F::affine_grid(theta, x.sizes().vec(), false);
    return F::grid_sample(x, grid,
                          F::GridSampleFuncOptions()
                              .mode(torch::kBilinear)
                              .padding_mode(torch::kZeros)
                              .align_corners(false));
}

} // namespace

torch::Tensor augmentBatch(const torch::Tensor& batch, const AugmentSpec& spec, uint64_t seed) {
    if (!spec.enabled() || batch.dim() != 4)
        return batch;
    at::Generator gen = at::detail::createCPUGenerator(seed);
    torch::Tensor x = batch;
    if (spec.randomCropPadding > 0)
        x = randomCrop(x, spec.randomCropPadding, gen);
    if (spec.hflip)
        x = randomFlip(x, gen);
    if (spec.rotationDeg > 0)
        x = randomRotation(x, spec.rotationDeg, gen);
    if (spec.gaussianNoise > 0)
        x = x + torch::randn(x.sizes(), gen, x.options()) * spec.gaussianNoise;
    return x;
}

} // namespace trainlab
