#include "data/DatasetInspection.h"

#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace trainlab {

namespace {

QJsonArray histogramJson(const TensorDataset& split, int64_t classes) {
    QJsonArray array;
    for (int64_t count : classHistogram(split, classes))
        array.append(qint64(count));
    return array;
}

} // namespace

QJsonObject inspectDataset(const DatasetSpec& spec, qint64 trainingSeed) {
    QElapsedTimer timer;
    timer.start();
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec, trainingSeed, &cache);
    const double seconds = double(timer.nsecsElapsed()) * 1e-9;

    QJsonArray shape;
    for (int64_t d : data.sampleShape)
        shape.append(qint64(d));
    const bool classification = data.task == TaskKind::Classification;
    QJsonObject counts{{QStringLiteral("train"), qint64(data.train.size())},
                       {QStringLiteral("validation"), qint64(data.validation.size())},
                       {QStringLiteral("test"), qint64(data.test.size())}};
    QJsonObject result{
        {QStringLiteral("source"), spec.source},
        {QStringLiteral("task"),
         classification ? QStringLiteral("classification") : QStringLiteral("regression")},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("sample_shape"), shape},
        {QStringLiteral("images"), data.images},
        {QStringLiteral("normalization"), normalizationToJson(data.normalization)},
        {QStringLiteral("from_cache"), data.fromCache},
        {QStringLiteral("load_seconds"), seconds},
    };
    if (classification) {
        result.insert(QStringLiteral("classes"), QJsonArray::fromStringList(data.classNames));
        result.insert(
            QStringLiteral("histogram"),
            QJsonObject{
                {QStringLiteral("train"), histogramJson(data.train, data.numClasses)},
                {QStringLiteral("validation"), histogramJson(data.validation, data.numClasses)},
                {QStringLiteral("test"), histogramJson(data.test, data.numClasses)}});
    } else if (data.train.size() > 0) {
        const auto targets = data.train.targets.to(torch::kFloat64);
        result.insert(QStringLiteral("target"),
                      QJsonObject{{QStringLiteral("mean"), targets.mean().item<double>()},
                                  {QStringLiteral("std"), targets.std().item<double>()},
                                  {QStringLiteral("min"), targets.min().item<double>()},
                                  {QStringLiteral("max"), targets.max().item<double>()}});
    }
    if (!data.images)
        result.insert(QStringLiteral("features"), QJsonArray::fromStringList(data.featureNames));
    return result;
}

} // namespace trainlab
