#include "deploy/RunExport.h"

#include "base/Errors.h"
#include "deploy/StoredModel.h"
#include "model/ModelAnalysis.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"
#include "train/StateDict.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace trainlab {

namespace {

QJsonArray shapeJson(const Shape& shape) {
    QJsonArray array;
    for (int64_t d : shape)
        array.append(qint64(d));
    return array;
}

// Nested layers (a residual block's) keep their spec under the container's "layers" field;
// their own rows follow the container's in the analysis.
QJsonObject modelJson(const StoredModel& model, const NamedTensors& state) {
    QJsonArray layers;
    const std::vector<LayerSpec> specs = resolveLayers(model.spec.model);
    size_t top = 0;
    for (const LayerShape& row : model.layers) {
        if (row.depth != 0)
            continue;
        QJsonObject layer = specs.at(top++).params;
        layer.insert(QStringLiteral("type"), row.type);
        layer.insert(QStringLiteral("input_shape"), shapeJson(row.inputShape));
        layer.insert(QStringLiteral("output_shape"), shapeJson(row.outputShape));
        layers.append(layer);
    }
    QJsonArray names;
    for (const auto& [name, tensor] : state)
        names.append(QString::fromStdString(name));
    return {{QStringLiteral("input_shape"), shapeJson(model.schema.inputShape)},
            {QStringLiteral("outputs"), qint64(model.outputs)},
            {QStringLiteral("output_activation"), outputActivation(model)},
            {QStringLiteral("layers"), layers},
            {QStringLiteral("state_dict"), names}};
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw EnvironmentError(
            QStringLiteral("%1: cannot write the export: %2").arg(path, file.errorString()));
}

QByteArray jsonBytes(const QJsonObject& json) {
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

} // namespace

QJsonObject exportRun(const QString& databasePath, qint64 runId, const QString& dir) {
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        throw InputError(QStringLiteral("%1: exists and is not a folder").arg(dir));
    WorkspaceReader workspace(databasePath);
    const StoredModel model = loadStoredModel(workspace, runId);
    if (!QDir().mkpath(dir))
        throw EnvironmentError(QStringLiteral("%1: cannot create the folder").arg(dir));
    const QDir folder(dir);
    const NamedTensors state = stateDict(model.net);
    const std::vector<char> weights = pickleTensors(state);
    QJsonObject preprocessing = inputSchemaToJson(model.schema);
    const QStringList files = {QStringLiteral("spec.json"), QStringLiteral("model.json"),
                               QStringLiteral("weights.pt"), QStringLiteral("preprocessing.json")};
    writeFile(folder.filePath(files[0]), jsonBytes(specToJson(model.spec)));
    writeFile(folder.filePath(files[1]), jsonBytes(modelJson(model, state)));
    writeFile(folder.filePath(files[2]), QByteArray(weights.data(), qsizetype(weights.size())));
    writeFile(folder.filePath(files[3]), jsonBytes(preprocessing));
    return {{QStringLiteral("run"), runId},
            {QStringLiteral("dir"), folder.absolutePath()},
            {QStringLiteral("weights"), model.weightsPath},
            {QStringLiteral("files"), QJsonArray::fromStringList(files)}};
}

} // namespace trainlab
