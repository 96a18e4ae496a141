#include "base/OutOfMemory.h"

#include <cstring>
#include <new>

namespace trainlab {

bool isOutOfMemory(const std::exception& error) {
    if (dynamic_cast<const std::bad_alloc*>(&error))
        return true;
    const char* what = error.what();
    return what && (std::strstr(what, "DefaultCPUAllocator: can't allocate memory") ||
                    std::strstr(what, "CUDA out of memory"));
}

} // namespace trainlab
