#pragma once

#include <QString>
#include <cstdint>
#include <vector>

namespace trainlab {

/// The shape of one sample, without the batch dimension ([channels, height, width], ...).
using Shape = std::vector<int64_t>;

/// The number of elements in a sample of `shape` (1 for a scalar).
int64_t elementCount(const Shape& shape);

/// "[1, 28, 28]", as error messages and the summary print it.
QString shapeText(const Shape& shape);

} // namespace trainlab
