#pragma once

// The store's SQL layer is private to trainlab_store: code elsewhere calls StoreWriter and
// WorkspaceReader, never SQL (DESIGN.md, Storage; STYLE.md rule 14). The store's own tests
// define TRAINLAB_STORE_INTERNALS through the trainlab_store_internals target.
#ifndef TRAINLAB_STORE_INTERNALS
#error "store/sql/ is private to core/store: use StoreWriter or WorkspaceReader"
#endif
