#pragma once

#include "sweep/SweepSpec.h"

#include <QJsonObject>
#include <QStringList>

namespace trainlab {

/// A sweep ready to run: the base spec (everything but `sweep`) and the validated sweep block.
struct SweepDefinition {
    QString name;
    QJsonObject base;     ///< built-in sweeps: the experiment spec each trial overrides
    QJsonObject fullSpec; ///< as stored with the sweep, for resume
    SweepSpec sweep;
};

/// Reads a sweep spec file, applying `--set` overrides first. Throws SpecError / InputError
/// naming every problem (the sweep block's, and for built-in sweeps the base spec's).
SweepDefinition loadSweepDefinition(const QString& path, const QStringList& overrides = {});
SweepDefinition sweepDefinitionFromJson(const QJsonObject& json, const QString& sourceName);

} // namespace trainlab
