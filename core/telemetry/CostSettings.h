#pragma once

#include <QMap>
#include <QString>
#include <QVector>
#include <optional>

namespace trainlab {

/// A number the workspace remembers for every run's cost accounting. Stored in the workspace
/// (its settings table, so the CLI and the window see the same value: `trainlab-cli settings
/// set KEY VALUE`), and overridden by an environment variable when that is set.
struct SettingDefinition {
    QString key;
    QString environment;                ///< the variable that overrides the workspace's value
    std::optional<double> defaultValue; ///< empty: unset until someone sets it
    double minimum = 0;
    bool minimumExcluded = false; ///< > minimum rather than >= minimum
    QString description;
};

/// Every setting, in the order `settings` lists them.
const QVector<SettingDefinition>& settingDefinitions();
/// The definition of `key`; throws InputError naming the key and the known ones.
const SettingDefinition& settingDefinition(const QString& key);
/// `text` as a value of `setting`; throws InputError naming `where` (the key, or the
/// environment variable it came from) and the allowed range.
double parseSettingValue(const SettingDefinition& setting, const QString& text,
                         const QString& where);

/// A setting's value in force and where it came from.
struct ResolvedSetting {
    std::optional<double> value; ///< empty: not set anywhere and no default
    QString origin;              ///< "environment (NAME)", "workspace", "default" or "unset"
};

/// `setting` as the environment, else the workspace's `stored` settings, else its default
/// give it. Throws InputError for a value that is not valid, naming where it came from.
ResolvedSetting resolveSetting(const SettingDefinition& setting,
                               const QMap<QString, QString>& stored);

/// What a run's energy and device time cost. Prices nobody set leave the cost unknown rather
/// than zero; with one of the two prices set, the other counts as nothing.
struct CostSettings {
    double wattsPerCore = 10.0;
    std::optional<double> pricePerKwh;
    std::optional<double> pricePerDeviceHour;

    /// From the workspace's stored settings and the environment (see resolveSetting).
    static CostSettings resolve(const QMap<QString, QString>& stored);
    bool priced() const { return pricePerKwh || pricePerDeviceHour; }
    /// Money for `energyJ` and `deviceHours`; empty when no price is set.
    std::optional<double> cost(double energyJ, double deviceHours) const;
};

} // namespace trainlab
