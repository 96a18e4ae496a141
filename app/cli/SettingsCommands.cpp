#include "Commands.h"

#include "base/Errors.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "telemetry/CostSettings.h"

#include <QJsonObject>
#include <QTextStream>

namespace trainlab::cli {

namespace {

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

QString formatSetting(const std::optional<double>& value) {
    return value ? QString::number(*value, 'g', 10) : QStringLiteral("-");
}

int listSettings(const CliArgs& args) {
    WorkspaceReader workspace(databasePath(args));
    const QMap<QString, QString> stored = workspace.settings();
    QJsonObject json;
    QTextStream& out = standardOutput();
    for (const SettingDefinition& setting : settingDefinitions()) {
        const ResolvedSetting resolved = resolveSetting(setting, stored);
        if (args.json) {
            json.insert(setting.key,
                        QJsonObject{{QStringLiteral("value"),
                                     resolved.value ? QJsonValue(*resolved.value) : QJsonValue()},
                                    {QStringLiteral("origin"), resolved.origin},
                                    {QStringLiteral("environment"), setting.environment},
                                    {QStringLiteral("description"), setting.description}});
            continue;
        }
        out << QStringLiteral("%1  %2  %3  %4\n")
                   .arg(setting.key, -22)
                   .arg(formatSetting(resolved.value), 10)
                   .arg(resolved.origin, -38)
                   .arg(setting.description);
    }
    if (args.json)
        printJson(json);
    return kExitOk;
}

void noteOverride(const SettingDefinition& setting) {
    if (qEnvironmentVariableIsSet(setting.environment.toLatin1().constData()))
        err() << "note: " << setting.environment << " is set and overrides the workspace's "
              << setting.key << " in this environment" << Qt::endl;
}

} // namespace

int settingsCommand(const CliArgs& args) {
    const QString action = args.positional.value(0, QStringLiteral("list"));
    if (action == QLatin1String("list") && args.positional.size() <= 1)
        return listSettings(args);
    if (action == QLatin1String("set") && args.positional.size() == 3) {
        const SettingDefinition& setting = settingDefinition(args.positional[1]);
        const double value = parseSettingValue(setting, args.positional[2], setting.key);
        StoreWriter store(databasePath(args));
        store.setSetting(setting.key, QString::number(value, 'g', 17));
        standardOutput() << setting.key << " = " << QString::number(value, 'g', 10)
                         << " (workspace " << store.path() << ")\n";
        noteOverride(setting);
        return kExitOk;
    }
    if (action == QLatin1String("unset") && args.positional.size() == 2) {
        const SettingDefinition& setting = settingDefinition(args.positional[1]);
        StoreWriter store(databasePath(args));
        const bool wasSet = store.unsetSetting(setting.key);
        const ResolvedSetting now = resolveSetting(setting, {});
        standardOutput() << setting.key << (wasSet ? " unset" : " was not set") << "; now "
                         << formatSetting(now.value) << " (" << now.origin << ")\n";
        return kExitOk;
    }
    throw InputError(QStringLiteral("settings: expected 'settings [list]', 'settings set KEY "
                                    "VALUE' or 'settings unset KEY', got '%1'")
                         .arg(args.positional.join(QLatin1Char(' '))));
}

} // namespace trainlab::cli
