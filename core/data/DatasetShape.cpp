#include "data/DatasetShape.h"

#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"

namespace trainlab {

namespace {

// The readers' fixed formats (ImageReaders.cpp); tst_datasetshape checks them against a load.
constexpr int64_t kFashionMnistClasses = 10;
constexpr int64_t kCifar10Classes = 10;

} // namespace

std::optional<DatasetShape> datasetShapeFromSpec(const DatasetSpec& spec) {
    if (spec.source == QLatin1String("synthetic")) {
        const SyntheticSpec& s = spec.synthetic;
        const bool planar = s.kind == QLatin1String("spirals") || s.kind == QLatin1String("moons");
        const bool regression = s.kind == QLatin1String("regression");
        const int64_t classes = s.kind == QLatin1String("moons") ? 2 : s.classes;
        return DatasetShape{{planar ? 2 : int64_t(s.features)}, regression ? 1 : classes};
    }
    if (spec.source == QLatin1String("fashion-mnist"))
        return DatasetShape{{1, 28, 28}, kFashionMnistClasses};
    if (spec.source == QLatin1String("cifar10"))
        return DatasetShape{{3, 32, 32}, kCifar10Classes};
    return std::nullopt;
}

DatasetShape datasetShape(const DatasetSpec& spec, qint64 trainingSeed) {
    if (auto known = datasetShapeFromSpec(spec))
        return *known;
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec, trainingSeed, &cache);
    return {data.sampleShape, data.task == TaskKind::Classification ? data.numClasses : 1};
}

} // namespace trainlab
