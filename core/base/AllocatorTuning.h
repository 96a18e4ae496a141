#pragma once

namespace trainlab {

/// Lets the C allocator keep large freed blocks for reuse instead of handing them back to the
/// kernel. A training step frees and allocates the same tens of megabytes (im2col buffers,
/// activations, gradients) every batch; with glibc's defaults those blocks are mmap'ed and
/// unmapped each time, so every batch pays page faults on fresh zeroed pages: measured 2.5-3x
/// slower for cnn2 through `trainlab-cli run`. Every thread shares one arena, since a thread's
/// own arena unmaps its emptied heaps regardless (3x slower again for a run on a backend
/// thread). Call once, first thing in main(). A user's own GLIBC_TUNABLES malloc settings (and
/// MALLOC_ARENA_MAX) win. Does nothing outside glibc.
void keepFreedMemoryForReuse();

} // namespace trainlab
