#include "sweep/SearchSpace.h"

#include "util/JsonObjectReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <cmath>
#include <random>

namespace trainlab {

int SweepParam::encodedWidth() const {
    switch (kind) {
    case ParamKind::Choice:
        return int(choices.size());
    case ParamKind::Fixed:
    case ParamKind::Invalid:
        return 0;
    default:
        return 1;
    }
}

namespace {

bool readRange(const QJsonValue& value, const QString& where, double& low, double& high,
               QStringList& errors) {
    const QJsonArray range = value.toArray();
    if (!value.isArray() || range.size() != 2 || !range[0].isDouble() || !range[1].isDouble()) {
        errors << where + QStringLiteral(": must be [low, high], got ") + describeJson(value);
        return false;
    }
    low = range[0].toDouble();
    high = range[1].toDouble();
    if (!(low < high)) {
        errors
            << where +
                   QStringLiteral(": the range is empty or inverted: [%1, %2]").arg(low).arg(high);
        return false;
    }
    return true;
}

} // namespace

SearchSpace SearchSpace::fromJson(const QJsonObject& space, const QString& path,
                                  QStringList& errors) {
    SearchSpace result;
    if (space.isEmpty())
        errors << path + QStringLiteral(": must name at least one parameter");
    for (auto it = space.begin(); it != space.end(); ++it) {
        const QString where = path + QLatin1Char('.') + it.key();
        if (!it.value().isObject()) {
            errors << where +
                          QStringLiteral(": must be an object like {\"uniform\": [0, 1]}, got ") +
                          describeJson(it.value());
            continue;
        }
        const QJsonObject def = it.value().toObject();
        SweepParam param;
        param.path = it.key();
        int kinds = 0;
        for (const QString& key : def.keys()) {
            const QString at = where + QLatin1Char('.') + key;
            const QJsonValue v = def.value(key);
            if (key == QLatin1String("uniform")) {
                ++kinds;
                param.kind = ParamKind::Uniform;
                readRange(v, at, param.low, param.high, errors);
            } else if (key == QLatin1String("log_uniform")) {
                ++kinds;
                param.kind = ParamKind::LogUniform;
                param.logScale = true;
                if (readRange(v, at, param.low, param.high, errors) && param.low <= 0)
                    errors << at + QStringLiteral(": a log range must be above 0, got [%1, %2]")
                                       .arg(param.low)
                                       .arg(param.high);
            } else if (key == QLatin1String("int")) {
                ++kinds;
                param.kind = ParamKind::Integer;
                if (readRange(v, at, param.low, param.high, errors) &&
                    (param.low != std::floor(param.low) || param.high != std::floor(param.high)))
                    errors << at + QStringLiteral(": integer bounds must be whole numbers");
            } else if (key == QLatin1String("choice")) {
                ++kinds;
                param.kind = ParamKind::Choice;
                param.choices = v.toArray();
                if (!v.isArray() || param.choices.isEmpty())
                    errors << at + QStringLiteral(": must be a non-empty list, got ") +
                                  describeJson(v);
            } else if (key == QLatin1String("fixed")) {
                ++kinds;
                param.kind = ParamKind::Fixed;
                param.fixed = v;
            } else if (key == QLatin1String("log")) {
                if (!v.isBool())
                    errors << at + QStringLiteral(": must be true or false");
                param.logScale = v.toBool();
            } else if (key == QLatin1String("when")) {
                const QJsonObject condition = v.toObject();
                if (!v.isObject() || condition.size() != 1)
                    errors << at + QStringLiteral(": must name one parameter and its value, e.g. "
                                                  "{\"training.optimizer.type\": \"sgd\"}");
                else {
                    param.conditionPath = condition.begin().key();
                    param.conditionValue = condition.begin().value();
                }
            } else {
                errors << at + QStringLiteral(": unknown key");
            }
        }
        if (kinds != 1)
            errors << where + QStringLiteral(
                                  ": give exactly one of uniform, log_uniform, int, choice, fixed");
        if (param.kind == ParamKind::Integer && param.logScale && param.low <= 0)
            errors << where + QStringLiteral(": a log-scaled integer range must be above 0");
        result.params_.push_back(param);
    }
    for (const SweepParam& p : result.params_) {
        if (p.conditionPath.isEmpty())
            continue;
        const bool known =
            std::any_of(result.params_.begin(), result.params_.end(),
                        [&](const SweepParam& q) { return q.path == p.conditionPath; });
        if (!known)
            errors << path + QLatin1Char('.') + p.path +
                          QStringLiteral(".when: '%1' is not a parameter of this space")
                              .arg(p.conditionPath);
    }
    return result;
}

int SearchSpace::encodedDimensions() const {
    int total = 0;
    for (const SweepParam& p : params_)
        total += p.encodedWidth();
    return total;
}

QJsonValue SearchSpace::decodeParam(const SweepParam& p, const double* unit) const {
    switch (p.kind) {
    case ParamKind::Uniform:
        return p.low + std::clamp(unit[0], 0.0, 1.0) * (p.high - p.low);
    case ParamKind::LogUniform:
        return std::exp(std::log(p.low) +
                        std::clamp(unit[0], 0.0, 1.0) * (std::log(p.high) - std::log(p.low)));
    case ParamKind::Integer: {
        // Each integer owns an equal slice of [0, 1] (of log space when log-scaled).
        const double u = std::clamp(unit[0], 0.0, 1.0);
        const double v = p.logScale
                             ? std::floor(std::exp(std::log(p.low) +
                                                   u * (std::log(p.high + 1) - std::log(p.low))))
                             : std::round((p.low - 0.5) + u * (p.high - p.low + 1.0));
        return qint64(std::clamp(v, p.low, p.high));
    }
    case ParamKind::Choice: {
        qsizetype best = 0;
        for (qsizetype i = 1; i < p.choices.size(); ++i) {
            if (unit[i] > unit[best])
                best = i;
        }
        return p.choices[best];
    }
    case ParamKind::Fixed:
        return p.fixed;
    case ParamKind::Invalid:
        break;
    }
    return {};
}

bool SearchSpace::isActive(const SweepParam& param, const SweepPoint& point) const {
    return param.conditionPath.isEmpty() ||
           point.value(param.conditionPath) == param.conditionValue;
}

SweepPoint SearchSpace::decode(const std::vector<double>& unit) const {
    SweepPoint point;
    size_t offset = 0;
    for (const SweepParam& p : params_) {
        point.insert(p.path, decodeParam(p, unit.data() + offset));
        offset += size_t(p.encodedWidth());
    }
    for (const SweepParam& p : params_) {
        if (!isActive(p, point))
            point.remove(p.path);
    }
    return point;
}

std::vector<double> SearchSpace::encode(const SweepPoint& point) const {
    std::vector<double> unit;
    for (const SweepParam& p : params_) {
        const QJsonValue v = point.value(p.path);
        const bool present = !v.isUndefined();
        switch (p.kind) {
        case ParamKind::Uniform:
            unit.push_back(present ? (v.toDouble() - p.low) / (p.high - p.low) : 0.5);
            break;
        case ParamKind::LogUniform:
            unit.push_back(present ? (std::log(v.toDouble()) - std::log(p.low)) /
                                         (std::log(p.high) - std::log(p.low))
                                   : 0.5);
            break;
        case ParamKind::Integer:
            if (!present)
                unit.push_back(0.5);
            else if (p.logScale)
                unit.push_back((std::log(v.toDouble() + 0.5) - std::log(p.low)) /
                               (std::log(p.high + 1) - std::log(p.low)));
            else
                unit.push_back((v.toDouble() - p.low + 0.5) / (p.high - p.low + 1.0));
            break;
        case ParamKind::Choice:
            for (qsizetype i = 0; i < p.choices.size(); ++i)
                unit.push_back(present && p.choices[i] == v
                                   ? 1.0
                                   : (present ? 0.0 : 1.0 / double(p.choices.size())));
            break;
        case ParamKind::Fixed:
        case ParamKind::Invalid:
            break;
        }
    }
    return unit;
}

SweepPoint SearchSpace::sample(uint64_t seed) const {
    std::mt19937_64 engine(seed);
    std::vector<double> unit(static_cast<size_t>(encodedDimensions()));
    for (double& u : unit)
        u = (double(engine() >> 11) + 0.5) * 0x1.0p-53;
    return decode(unit);
}

std::optional<std::vector<SweepPoint>> SearchSpace::grid(int steps, int64_t limit,
                                                         int64_t* count) const {
    std::vector<std::vector<QJsonValue>> axes;
    int64_t total = 1;
    for (const SweepParam& p : params_) {
        std::vector<QJsonValue> values;
        switch (p.kind) {
        case ParamKind::Uniform:
        case ParamKind::LogUniform:
            for (int i = 0; i < steps; ++i) {
                const double u = steps == 1 ? 0.5 : double(i) / double(steps - 1);
                values.push_back(decodeParam(p, &u));
            }
            break;
        case ParamKind::Integer: {
            const auto span = int64_t(p.high - p.low) + 1;
            const int64_t n = std::min<int64_t>(span, steps);
            for (int64_t i = 0; i < n; ++i) {
                const double v =
                    n == 1 ? p.low
                           : p.low + std::round(double(i) * double(span - 1) / double(n - 1));
                if (values.empty() || values.back().toInteger() != qint64(v))
                    values.push_back(qint64(v));
            }
            break;
        }
        case ParamKind::Choice:
            for (const auto& c : p.choices)
                values.push_back(c);
            break;
        case ParamKind::Fixed:
            values.push_back(p.fixed);
            break;
        case ParamKind::Invalid:
            break;
        }
        total = total > limit ? total : total * int64_t(std::max<size_t>(1, values.size()));
        axes.push_back(values);
    }
    if (count)
        *count = total;
    if (total > limit)
        return std::nullopt;
    std::vector<SweepPoint> points;
    QSet<QByteArray> seen;
    std::vector<size_t> index(axes.size(), 0);
    while (true) {
        SweepPoint point;
        for (size_t a = 0; a < axes.size(); ++a)
            point.insert(params_[a].path, axes[a][index[a]]);
        for (const SweepParam& p : params_) {
            if (!isActive(p, point))
                point.remove(p.path);
        }
        // Inactive parameters collapse their axis: keep each distinct point once.
        if (!seen.contains(QJsonDocument(point).toJson(QJsonDocument::Compact))) {
            seen.insert(QJsonDocument(point).toJson(QJsonDocument::Compact));
            points.push_back(point);
        }
        size_t a = 0;
        while (a < axes.size() && ++index[a] == axes[a].size())
            index[a++] = 0;
        if (a == axes.size())
            break;
    }
    return points;
}

} // namespace trainlab
