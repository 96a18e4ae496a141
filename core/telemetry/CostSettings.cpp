#include "telemetry/CostSettings.h"

#include "base/Errors.h"

#include <QStringList>
#include <cmath>

namespace trainlab {

const QVector<SettingDefinition>& settingDefinitions() {
    static const QVector<SettingDefinition> definitions = {
        {QStringLiteral("price_per_kwh"), QStringLiteral("TRAINLAB_PRICE_PER_KWH"), std::nullopt, 0,
         false, QStringLiteral("money per kWh of energy a run uses")},
        {QStringLiteral("price_per_device_hour"), QStringLiteral("TRAINLAB_PRICE_PER_DEVICE_HOUR"),
         std::nullopt, 0, false,
         QStringLiteral("money per hour of a device (a GPU, or the CPU) a run holds")},
        {QStringLiteral("watts_per_core"), QStringLiteral("TRAINLAB_WATTS_PER_CORE"), 10.0, 0, true,
         QStringLiteral("power of one busy core, for the CPU energy estimate where RAPL is not "
                        "readable")},
    };
    return definitions;
}

const SettingDefinition& settingDefinition(const QString& key) {
    QStringList known;
    for (const SettingDefinition& setting : settingDefinitions()) {
        if (setting.key == key)
            return setting;
        known << setting.key;
    }
    throw InputError(QStringLiteral("settings: unknown key '%1' (known: %2)")
                         .arg(key, known.join(QStringLiteral(", "))));
}

double parseSettingValue(const SettingDefinition& setting, const QString& text,
                         const QString& where) {
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    const bool inRange =
        ok && std::isfinite(value) &&
        (setting.minimumExcluded ? value > setting.minimum : value >= setting.minimum);
    if (!inRange)
        throw InputError(
            QStringLiteral("%1: must be a number %2 %3, got '%4'")
                .arg(where, setting.minimumExcluded ? QStringLiteral(">") : QStringLiteral(">="))
                .arg(setting.minimum)
                .arg(text));
    return value;
}

ResolvedSetting resolveSetting(const SettingDefinition& setting,
                               const QMap<QString, QString>& stored) {
    if (qEnvironmentVariableIsSet(setting.environment.toLatin1().constData())) {
        const QString text = qEnvironmentVariable(setting.environment.toLatin1().constData());
        return {parseSettingValue(setting, text, setting.environment),
                QStringLiteral("environment (%1)").arg(setting.environment)};
    }
    if (stored.contains(setting.key))
        return {parseSettingValue(setting, stored.value(setting.key),
                                  QStringLiteral("workspace setting ") + setting.key),
                QStringLiteral("workspace")};
    if (setting.defaultValue)
        return {setting.defaultValue, QStringLiteral("default")};
    return {std::nullopt, QStringLiteral("unset")};
}

CostSettings CostSettings::resolve(const QMap<QString, QString>& stored) {
    CostSettings settings;
    settings.pricePerKwh =
        resolveSetting(settingDefinition(QStringLiteral("price_per_kwh")), stored).value;
    settings.pricePerDeviceHour =
        resolveSetting(settingDefinition(QStringLiteral("price_per_device_hour")), stored).value;
    settings.wattsPerCore =
        resolveSetting(settingDefinition(QStringLiteral("watts_per_core")), stored)
            .value.value_or(settings.wattsPerCore);
    return settings;
}

std::optional<double> CostSettings::cost(double energyJ, double deviceHours) const {
    if (!priced())
        return std::nullopt;
    constexpr double kJoulesPerKwh = 3.6e6;
    return energyJ / kJoulesPerKwh * pricePerKwh.value_or(0) +
           deviceHours * pricePerDeviceHour.value_or(0);
}

} // namespace trainlab
