#include "jobs/RunSources.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "data/InputSchema.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "train/Distillation.h"
#include "util/Json.h"

#include <QDir>
#include <tuple>

namespace trainlab {

namespace {

RunRecord existingRun(StoreWriter& store, qint64 run, const QString& field) {
    auto record = store.findRun(run);
    if (!record)
        throw InputError(QStringLiteral("%1: no run %2 in this workspace").arg(field).arg(run));
    return std::move(*record);
}

std::pair<QString, QString> checkpointOf(const RunRecord& record, const QString& which,
                                         const QString& field) {
    const qint64 run = record.id;
    const QDir folder(record.checkpointDir);
    QString file;
    if (which == QLatin1String("best")) {
        if (!record.checkpointDir.isEmpty() && folder.exists(QStringLiteral("best.pt")))
            file = folder.filePath(QStringLiteral("best.pt"));
    } else {
        qint64 newest = -1;
        for (const QString& name : folder.entryList({QStringLiteral("last-*.pt")}, QDir::Files)) {
            const qint64 step = name.mid(5, name.size() - 8).toLongLong();
            if (step > newest) {
                newest = step;
                file = folder.filePath(name);
            }
        }
    }
    if (file.isEmpty())
        throw InputError(
            QStringLiteral("%1: run %2 has no %3 checkpoint").arg(field).arg(run).arg(which));
    return {file, QStringLiteral("run %1 (%2)").arg(run).arg(which)};
}

} // namespace

std::pair<QString, QString> checkpointOfRun(StoreWriter& store, qint64 run, const QString& which,
                                            const QString& field) {
    return checkpointOf(existingRun(store, run, field), which, field);
}

std::shared_ptr<const TeacherModel> teacherOf(StoreWriter& store, const DistillSpec& distill) {
    const QString field = QStringLiteral("training.distill.teacher");
    auto teacher = std::make_shared<TeacherModel>();
    const RunRecord record = existingRun(store, distill.teacher, field);
    std::tie(teacher->weightsPath, teacher->source) =
        checkpointOf(record, distill.checkpoint, field);
    if (record.spec == QLatin1String("{}"))
        throw InputError(QStringLiteral("%1: run %2 ran an external command; TrainLab holds "
                                        "no model of it")
                             .arg(field)
                             .arg(record.id));
    const ExperimentSpec spec =
        specFromJson(parseJsonObject(record.spec), QStringLiteral("run %1's spec").arg(record.id));
    const QString schemaName = QStringLiteral("run %1's input schema").arg(record.id);
    const InputSchema schema = [&] {
        if (const auto stored = store.findArtifact(record.id, QStringLiteral("input_schema")))
            return inputSchemaFromJson(*stored, schemaName);
        const DatasetCache cache; // a run stored before input schemas were kept
        return inputSchemaOf(buildDataset(spec.dataset, spec.training.seed, &cache), spec.dataset);
    }();
    teacher->model = spec.model;
    teacher->inputShape = schema.inputShape;
    if (!schema.regression)
        teacher->classNames = schema.classNames;
    teacher->mean = schema.mean;
    teacher->std = schema.std;
    return teacher;
}

} // namespace trainlab
