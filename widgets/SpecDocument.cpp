#include "SpecDocument.h"

#include "base/Errors.h"
#include "jobs/SweepDefinition.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace trainlab {

namespace {

// Removing is setting on the parent: rebuild the parent without the key (or index).
void removeSpecValue(QJsonObject& root, const QString& path) {
    QList<SpecPathElement> elements = parseSpecPath(path);
    if (elements.isEmpty())
        return;
    const SpecPathElement last = elements.takeLast();
    QString parentPath;
    for (const SpecPathElement& e : elements) {
        if (e.index >= 0)
            parentPath += QStringLiteral("[%1]").arg(e.index);
        else
            parentPath += (parentPath.isEmpty() ? QString() : QStringLiteral(".")) + e.key;
    }
    if (parentPath.isEmpty()) {
        root.remove(last.key);
        return;
    }
    QJsonValue parent = specValue(root, parentPath);
    if (parent.isObject() && last.index < 0) {
        QJsonObject object = parent.toObject();
        object.remove(last.key);
        setSpecValue(root, parentPath, object);
    } else if (parent.isArray() && last.index >= 0 && last.index < parent.toArray().size()) {
        QJsonArray array = parent.toArray();
        array.removeAt(last.index);
        setSpecValue(root, parentPath, array);
    }
}

} // namespace

QJsonObject defaultExperimentJson() {
    return QJsonDocument::fromJson(R"({
  "trainlab": 1,
  "name": "spirals-mlp",
  "dataset": {
    "source": "synthetic",
    "synthetic": {"kind": "spirals", "samples": 3000, "classes": 3, "noise": 0.03},
    "validation_split": 0.15,
    "test_split": 0.15
  },
  "model": {"layers": [
    {"type": "linear", "out": 64}, {"type": "relu"},
    {"type": "linear", "out": 64}, {"type": "relu"},
    {"type": "linear"}
  ]},
  "training": {
    "epochs": 20,
    "batch_size": 64,
    "optimizer": {"type": "adamw", "lr": 0.01, "weight_decay": 0.0001},
    "schedule": {"type": "cosine", "warmup_steps": 50},
    "log_every_steps": 5,
    "seed": 7
  },
  "devices": "cpu"
})")
        .object();
}

SpecDocument::SpecDocument(QObject* parent)
    : QObject(parent)
    , json_(defaultExperimentJson()) {}

QJsonValue SpecDocument::value(const QString& path) const {
    return specValue(json_, path);
}

void SpecDocument::setValue(const QString& path, const QJsonValue& value, QObject* source) {
    QJsonObject json = json_;
    if (value.isUndefined())
        removeSpecValue(json, path);
    else
        setSpecValue(json, path, value);
    setJson(json, source);
}

void SpecDocument::setJson(const QJsonObject& json, QObject* source) {
    if (json == json_)
        return;
    json_ = json;
    setModified(true);
    Q_EMIT changed(source);
}

QStringList SpecDocument::problems() const {
    try {
        if (isSweep())
            sweepDefinitionFromJson(json_, tr("spec"));
        else
            specFromJson(json_, tr("spec"));
    } catch (const SpecError& e) {
        return e.problems().isEmpty() ? QStringList{e.message()} : e.problems();
    } catch (const std::exception& e) {
        return {firstLineOf(e)};
    }
    return {};
}

void SpecDocument::reset() {
    json_ = defaultExperimentJson();
    filePath_.clear();
    Q_EMIT changed(nullptr);
    setModified(false);
    Q_EMIT fileStateChanged();
}

void SpecDocument::open(const QString& path) {
    json_ = readJsonFile(path);
    filePath_ = path;
    Q_EMIT changed(nullptr);
    setModified(false);
    Q_EMIT fileStateChanged();
}

void SpecDocument::save(const QString& path) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(json_).toJson(QJsonDocument::Indented)) < 0 || !file.commit())
        throw EnvironmentError(tr("%1: cannot write the spec (%2)").arg(path, file.errorString()));
    filePath_ = path;
    setModified(false);
    Q_EMIT fileStateChanged();
}

void SpecDocument::restoreDraft(const QJsonObject& json, const QString& path) {
    json_ = json;
    filePath_ = path;
    Q_EMIT changed(nullptr);
    setModified(true);
    Q_EMIT fileStateChanged();
}

void SpecDocument::setModified(bool modified) {
    if (modified_ == modified)
        return;
    modified_ = modified;
    Q_EMIT fileStateChanged();
}

} // namespace trainlab
