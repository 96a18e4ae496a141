#pragma once

#include "data/DataLoader.h"
#include "data/TensorDataset.h"

#include <cstdint>
#include <optional>

namespace trainlab {

/// How much memory a run may spend on a float copy of its training inputs (see
/// preparedInMemory): 1 GiB, or an eighth of physical memory on a smaller machine.
int64_t preparedDataBudgetBytes();

/// The training split converted to model inputs once, when that copy fits the budget above;
/// nullopt when batches are prepared one at a time.
std::optional<TensorDataset> preparedTrainingSplit(const DatasetSplits& data);

/// How the loader turns rows of the split it reads (the prepared copy, or the stored samples)
/// into model inputs: a row copy, or the conversion batch by batch. The same values either way.
DataLoader::Prepare batchPreparation(const DatasetSplits& data, bool prepared);

} // namespace trainlab
