#pragma once

#include "spec/ExperimentSpec.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace trainlab {

/// Validates a parsed spec and fills every default. Throws SpecError listing every problem,
/// each prefixed with its JSON path (`training.optimizer.lr: must be > 0, got -1`).
ExperimentSpec specFromJson(const QJsonObject& json, const QString& sourceName = {});

/// Parses JSON text (with `source` naming it in messages) and applies `--set` overrides first.
ExperimentSpec parseSpec(const QByteArray& text, const QString& sourceName,
                         const QStringList& overrides = {});

/// Reads a spec file. A missing, unreadable or malformed file throws InputError naming it.
ExperimentSpec loadSpecFile(const QString& path, const QStringList& overrides = {});

/// The complete spec with every default written out; specFromJson(specToJson(s)) == s.
QJsonObject specToJson(const ExperimentSpec& spec);

/// The hash that ties checkpoints to the spec they were written for (SHA-1 of its complete,
/// compact JSON).
QString specHash(const ExperimentSpec& spec);

/// Reads a JSON file into an object; throws InputError naming the file and the parse offset.
QJsonObject readJsonFile(const QString& path);

} // namespace trainlab
