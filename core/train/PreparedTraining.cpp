#include "train/PreparedTraining.h"

#include "data/DatasetBuilder.h"

#include <algorithm>
#include <unistd.h>

namespace trainlab {

int64_t preparedDataBudgetBytes() {
    int64_t budget = int64_t(1) << 30;
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        budget = std::min<int64_t>(budget, int64_t(pages) * int64_t(pageSize) / 8);
#endif
    return budget;
}

std::optional<TensorDataset> preparedTrainingSplit(const DatasetSplits& data) {
    return preparedInMemory(data.train, InputPreparation(data), preparedDataBudgetBytes());
}

DataLoader::Prepare batchPreparation(const DatasetSplits& data, bool prepared) {
    return [prepare = InputPreparation(data), prepared](const torch::Tensor& features,
                                                        at::IntArrayRef rows) {
        return prepared ? selectRows(features, rows) : prepare.rows(features, rows);
    };
}

} // namespace trainlab
