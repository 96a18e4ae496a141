#include "train/SpecSummary.h"

#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "model/ModelSummary.h"

namespace trainlab {

QJsonObject specModelSummaryJson(const ExperimentSpec& spec) {
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
    const int64_t outputs = data.task == TaskKind::Classification ? data.numClasses : 1;
    return modelSummaryJson(spec.model, data.sampleShape, outputs, spec.training.batchSize);
}

} // namespace trainlab
