#pragma once

namespace trainlab {

/// Where Debian's dataset-fashion-mnist puts the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

} // namespace trainlab
