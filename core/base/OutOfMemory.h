#pragma once

#include <exception>

namespace trainlab {

/// True when `error` says memory ran out: std::bad_alloc, or LibTorch's allocators, recognized
/// by their message because LibTorch 1.13's CPU allocator throws a plain c10::Error ("can't
/// allocate memory") and its CUDA one a c10::OutOfMemoryError ("CUDA out of memory"). The
/// environment failed, not the spec; failureKindOf counts it so (exit 3).
bool isOutOfMemory(const std::exception& error);

} // namespace trainlab
