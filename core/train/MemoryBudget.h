#pragma once

#include <cstdint>

namespace trainlab {

/// How much memory a run may spend on a float copy of its training inputs (see
/// preparedInMemory): 1 GiB, or an eighth of physical memory on a smaller machine.
int64_t preparedDataBudgetBytes();

} // namespace trainlab
