#pragma once

#include "store/sql/Private.h"

#include <vector>

namespace trainlab {

struct Migration {
    int version;
    const char* sql;
};

/// Forward-only schema migrations, oldest first. Never edit a released entry: append one.
const std::vector<Migration>& schemaMigrations();

} // namespace trainlab
