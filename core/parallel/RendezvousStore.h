#pragma once

// Private to core/parallel: the c10d stores behind a Rendezvous.
#include "parallel/Rendezvous.h"

#include <torch/csrc/distributed/c10d/Store.hpp>

namespace trainlab {

struct Rendezvous::Store {
    /// This process's: the in-memory HashStore, or a TCPStore (the server, in the master).
    c10::intrusive_ptr<c10d::Store> main;

    /// The store a new rank's process group talks through: the shared one in one process, a
    /// connection of its own across processes (a TCPStore client holds its lock while it waits
    /// for a key, which would stall the other ranks of the process).
    c10::intrusive_ptr<c10d::Store> forRank(const Rendezvous& rendezvous) const;
};

} // namespace trainlab
