#pragma once

#include <vector>

namespace trainlab {

/// Indices of the non-dominated rows of `objectives` (one row per trial, one column per
/// objective; `maximize[j]` gives column j's direction). A row dominates another when it is at
/// least as good in every objective and better in one. Rows with equal values are all kept.
std::vector<int> paretoFront(const std::vector<std::vector<double>>& objectives,
                             const std::vector<bool>& maximize);

} // namespace trainlab
