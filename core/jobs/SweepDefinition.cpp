#include "jobs/SweepDefinition.h"

#include "base/Errors.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"

namespace trainlab {

SweepDefinition sweepDefinitionFromJson(const QJsonObject& json, const QString& sourceName) {
    QStringList errors;
    SweepDefinition def;
    def.fullSpec = json;
    def.name = json.value(QStringLiteral("name")).toString(QStringLiteral("sweep"));
    if (!json.value(QStringLiteral("sweep")).isObject())
        throw SpecError(sourceName,
                        {QStringLiteral("sweep: missing (a sweep spec needs a \"sweep\" block)")});
    def.sweep = readSweepSpec(json.value(QStringLiteral("sweep")).toObject(), errors);
    def.base = json;
    def.base.remove(QStringLiteral("sweep"));
    if (def.sweep.external()) {
        for (const QString& key : def.base.keys()) {
            if (key != QLatin1String("trainlab") && key != QLatin1String("name"))
                errors << QStringLiteral(
                              "%1: an external-command sweep runs its own program; remove this key")
                              .arg(key);
        }
    } else {
        try {
            specFromJson(def.base, QString());
        } catch (const SpecError& e) {
            errors += e.problems();
        }
    }
    if (!errors.isEmpty())
        throw SpecError(sourceName, errors);
    return def;
}

SweepDefinition loadSweepDefinition(const QString& path, const QStringList& overrides) {
    QJsonObject json = readJsonFile(path);
    applyOverrides(json, overrides);
    return sweepDefinitionFromJson(json, path);
}

} // namespace trainlab
