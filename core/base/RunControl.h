#pragma once

#include <atomic>

namespace trainlab {

/// Flags a running job checks between steps. Any thread may set them, including a signal
/// handler (the atomics are lock-free), and the job sees them without an event loop.
struct RunControl {
    std::atomic<bool> cancel{false};
    std::atomic<bool> pause{false};
    /// With cancel: the program is closing; a paused run stays `paused` (resumable from its
    /// checkpoint in a later process) instead of ending `cancelled`.
    std::atomic<bool> stopPaused{false};

    static_assert(std::atomic<bool>::is_always_lock_free);
};

} // namespace trainlab
