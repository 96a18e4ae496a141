#pragma once

#include "data/DatasetSpec.h"
#include "data/TensorDataset.h"

namespace trainlab {

/// Generates a seeded classification dataset: interleaved spirals or Gaussian blobs.
/// The same spec and seed give the same tensors on every machine.
TensorDataset generateSynthetic(const SyntheticSpec& spec, uint64_t seed);

} // namespace trainlab
