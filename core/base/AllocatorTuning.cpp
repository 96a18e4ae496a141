#include "base/AllocatorTuning.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace trainlab {

void keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables && std::strstr(tunables, "glibc.malloc."))
        return;
    // Blocks up to 256 MiB come from the heap, and up to 512 MiB freed at its top stay mapped.
    // Fixing the threshold also stops glibc's sliding one, which never rises above 32 MiB.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

} // namespace trainlab
