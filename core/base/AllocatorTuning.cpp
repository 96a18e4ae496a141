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
    // One arena for every thread. Runs train on the backend's threads, and a thread's own arena
    // grows in heaps of at most 64 MiB that glibc unmaps whenever one empties, whatever the trim
    // threshold: cnn2 through `trainlab-cli run` took 2.0 M page faults and 14.7 s of system
    // time in a 20.4 s epoch, and 153 k faults, 1.4 s and 6.95 s with one arena. Tensors are
    // few and large, so threads rarely wait on the one arena's lock.
    if (!std::getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 1);
#endif
}

} // namespace trainlab
