#pragma once

#include <cstddef>
#include <span>

namespace trainlab {

/// A fixed number of doubles in one block that Linux may back with 2 MiB pages (transparent
/// huge pages asked for with madvise, the mode Debian ships). A plot that reads 100 curves of
/// 100,000 points on every redraw then takes a TLB miss, and in a virtual machine a nested
/// page walk, once per 2 MiB instead of once per 4 KiB (bench_overlay: decimation about a
/// quarter faster). Blocks under 2 MiB, and other systems, get plain memory. The values start
/// uninitialized.
class HugePageBuffer {
public:
    HugePageBuffer() = default;
    /// Throws std::bad_alloc when the memory is not there.
    explicit HugePageBuffer(std::size_t count);
    ~HugePageBuffer();
    HugePageBuffer(HugePageBuffer&& other) noexcept;
    HugePageBuffer& operator=(HugePageBuffer&& other) noexcept;
    HugePageBuffer(const HugePageBuffer&) = delete;
    HugePageBuffer& operator=(const HugePageBuffer&) = delete;

    double* data() { return data_; }
    std::size_t size() const { return size_; }

private:
    double* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace trainlab
