#include "deploy/RunQuantization.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "deploy/StoredModel.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/DynamicQuantization.h"
#include "train/InferenceTiming.h"
#include "train/LossFunction.h"
#include "train/StateDict.h"
#include "train/Trainer.h"
#include "util/Json.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace trainlab {

namespace {

// `batch` samples of the split as model inputs, repeated when the split is smaller.
torch::Tensor latencyInput(const DatasetSplits& data, const TensorDataset& split, int batch) {
    const int64_t n = split.size();
    auto rows = torch::arange(batch, torch::kInt64).remainder(std::max<int64_t>(1, n));
    return prepareFeatures(split.features.index_select(0, rows), data).contiguous();
}

QJsonObject latencyJson(const LatencyComparison& timing, const QuantizationOptions& options) {
    return {{QStringLiteral("fp32"), timing.reference.medianMs},
            {QStringLiteral("int8"), timing.candidate.medianMs},
            {QStringLiteral("fp32_min"), timing.reference.minMs},
            {QStringLiteral("fp32_max"), timing.reference.maxMs},
            {QStringLiteral("int8_min"), timing.candidate.minMs},
            {QStringLiteral("int8_max"), timing.candidate.maxMs},
            {QStringLiteral("batch"), options.batch},
            {QStringLiteral("threads"), options.threads},
            {QStringLiteral("rounds"), options.rounds}};
}

void writeModelFile(const QString& path, const std::vector<char>& bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
        throw EnvironmentError(
            QStringLiteral("%1: cannot write the int8 model: %2").arg(path, file.errorString()));
}

} // namespace

QJsonObject quantizeRun(const QString& databasePath, qint64 runId,
                        const QuantizationOptions& options) {
    StoredModel model = [&] {
        WorkspaceReader workspace(databasePath);
        return loadStoredModel(workspace, runId);
    }();
    QuantizedModel quantized = quantizeDynamic(model.net);
    if (quantized.quantizedLayers == 0)
        throw InputError(QStringLiteral("run %1: the model has no top-level linear layer to "
                                        "quantize")
                             .arg(runId));
    const std::vector<char> fp32File = pickleTensors(stateDict(model.net));

    const DatasetCache cache;
    const DatasetSplits data = buildDataset(model.spec.dataset, model.spec.training.seed, &cache);
    const bool onTest = data.test.size() > 0;
    const TensorDataset& split = onTest ? data.test : data.validation;
    if (split.size() == 0)
        throw InputError(QStringLiteral("run %1: the dataset has neither a test nor a validation "
                                        "split to measure accuracy on")
                             .arg(runId));
    const LossFunction loss(resolvedLossOf(model.spec, model.schema.regression), data.task);
    const QString prefix = onTest ? QStringLiteral("test_") : QStringLiteral("val_");
    const auto before =
        Trainer::scalarMetrics(Trainer::evaluate(model.net, loss, data, split), data, prefix);
    const auto after =
        Trainer::scalarMetrics(Trainer::evaluate(quantized.net, loss, data, split), data, prefix);
    const LatencyComparison timing =
        compareLatency(model.net, quantized.net, latencyInput(data, split, options.batch),
                       options.threads, options.rounds, options.repeats);

    const QString path =
        QDir(QFileInfo(model.weightsPath).absolutePath()).filePath(QStringLiteral("model-int8.pt"));
    writeModelFile(path, quantized.file);
    const auto fp32Bytes = qint64(fp32File.size());
    const auto int8Bytes = qint64(quantized.file.size());
    QJsonObject report{
        {QStringLiteral("run"), runId},
        {QStringLiteral("engine"), quantized.engine},
        {QStringLiteral("scheme"), QStringLiteral("int8 dynamic: per-tensor symmetric weights, "
                                                  "activations quantized per batch")},
        {QStringLiteral("quantized_layers"), quantized.quantizedLayers},
        {QStringLiteral("file"), path},
        {QStringLiteral("size_bytes"),
         QJsonObject{{QStringLiteral("fp32"), fp32Bytes}, {QStringLiteral("int8"), int8Bytes}}},
        {QStringLiteral("size_ratio"), double(fp32Bytes) / double(std::max<qint64>(1, int8Bytes))},
        {QStringLiteral("latency_ms"), latencyJson(timing, options)},
        {QStringLiteral("speedup"), timing.speedup()},
        {QStringLiteral("split"), onTest ? QStringLiteral("test") : QStringLiteral("validation")},
        {QStringLiteral("samples"), qint64(split.size())},
        {QStringLiteral("fp32"), toJsonObject(before)},
        {QStringLiteral("int8"), toJsonObject(after)},
    };
    const QString accuracy = prefix + QStringLiteral("accuracy");
    if (before.contains(accuracy))
        report.insert(QStringLiteral("accuracy_change"),
                      after.value(accuracy) - before.value(accuracy));
    StoreWriter store(databasePath);
    store.storeArtifact(runId, QStringLiteral("quantization"), report);
    store.flush();
    return report;
}

} // namespace trainlab
