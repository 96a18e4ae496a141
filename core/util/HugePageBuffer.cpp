#include "util/HugePageBuffer.h"

#include <cstdlib>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace trainlab {

namespace {

constexpr std::size_t kHugePage = std::size_t(2) << 20;

} // namespace

HugePageBuffer::HugePageBuffer(std::size_t count)
    : size_(count) {
    if (count == 0)
        return;
    if (count > std::size_t(-1) / sizeof(double) - kHugePage)
        throw std::bad_alloc();
    const std::size_t bytes = count * sizeof(double);
    void* memory = nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= kHugePage) {
        // Whole aligned huge pages, asked for before the first touch faults them in.
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        memory = std::aligned_alloc(kHugePage, rounded);
        if (memory)
            madvise(memory, rounded, MADV_HUGEPAGE); // a hint: refused, it is plain memory
    }
#endif
    if (!memory)
        memory = std::malloc(bytes);
    if (!memory)
        throw std::bad_alloc();
    data_ = static_cast<double*>(memory);
}

HugePageBuffer::~HugePageBuffer() {
    std::free(data_);
}

HugePageBuffer::HugePageBuffer(HugePageBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr))
    , size_(std::exchange(other.size_, 0)) {}

HugePageBuffer& HugePageBuffer::operator=(HugePageBuffer&& other) noexcept {
    if (this != &other) {
        std::free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

} // namespace trainlab
