#pragma once

#include "data/DatasetSpec.h"

#include <torch/types.h>

namespace trainlab {

/// Applies the spec's image augmentations to a normalized batch [B, C, H, W]: random crop
/// after zero padding, horizontal flip (p = 0.5), rotation by up to +/- rotation_deg, additive
/// gaussian noise. All randomness comes from `seed`, so a batch's augmentation does not depend
/// on which worker thread made it.
torch::Tensor augmentBatch(const torch::Tensor& batch, const AugmentSpec& spec, uint64_t seed);

} // namespace trainlab
