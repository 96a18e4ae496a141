#include "telemetry/RaplEnergyMeter.h"

#include <QDir>
#include <QFile>

namespace trainlab {

namespace {

std::optional<double> readNumber(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    bool ok = false;
    const double value = file.readAll().trimmed().toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

} // namespace

RaplEnergyMeter::RaplEnergyMeter(const QString& root) {
    // Top-level package domains only (intel-rapl:0, intel-rapl:1): sub-domains such as
    // intel-rapl:0:0 (cores) are already counted inside their package.
    const QStringList entries = QDir(root).entryList({QStringLiteral("intel-rapl:*")}, QDir::Dirs);
    for (const QString& entry : entries) {
        if (entry.count(QLatin1Char(':')) != 1)
            continue;
        const QString dir = root + QLatin1Char('/') + entry;
        const auto energy = readNumber(dir + QStringLiteral("/energy_uj"));
        const auto range = readNumber(dir + QStringLiteral("/max_energy_range_uj"));
        if (energy && range)
            domains_.append({dir + QStringLiteral("/energy_uj"), *range, *energy});
    }
}

std::optional<double> RaplEnergyMeter::joulesSinceStart() const {
    if (domains_.isEmpty())
        return std::nullopt;
    double totalUj = 0;
    for (const Domain& d : domains_) {
        const auto now = readNumber(d.energyFile);
        if (!now)
            return std::nullopt;
        totalUj += *now >= d.startUj ? *now - d.startUj : *now + d.maxRangeUj - d.startUj;
    }
    return totalUj * 1e-6;
}

} // namespace trainlab
