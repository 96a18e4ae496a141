#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace trainlab {

enum class ParamKind { Invalid, Uniform, LogUniform, Integer, Choice, Fixed };

/// One swept field, addressed by its spec path (`training.optimizer.lr`) or, for sweeps of an
/// external command, a plain name.
struct SweepParam {
    QString path;
    ParamKind kind = ParamKind::Invalid;
    double low = 0;
    double high = 0;
    bool logScale = false;     ///< integer ranges may be log-scaled
    QJsonArray choices;        ///< Choice
    QJsonValue fixed;          ///< Fixed
    QString conditionPath;     ///< active only when this parameter ...
    QJsonValue conditionValue; ///< ... has this value
    int encodedWidth() const;
};

/// A point of the space: path -> value. Inactive conditional parameters are absent.
using SweepPoint = QJsonObject;

/// The space of a sweep: parameters, their encoding into the unit cube (log-transformed where
/// declared, categoricals one-hot) for the model-based strategies, grid enumeration and seeded
/// random sampling.
class SearchSpace {
public:
    /// Parses DESIGN.md's `space` object at JSON path `path`; problems (empty or inverted
    /// ranges, log ranges reaching 0, conditions on unknown parameters) are appended to `errors`.
    static SearchSpace fromJson(const QJsonObject& space, const QString& path, QStringList& errors);

    /// In path order (JSON objects keep their keys sorted), which fixes the encoding's layout.
    const std::vector<SweepParam>& params() const { return params_; }
    int encodedDimensions() const;

    /// Values for a point in [0, 1]^encodedDimensions(); conditions applied.
    SweepPoint decode(const std::vector<double>& unit) const;
    /// The unit-cube encoding of a point (inactive parameters sit at the centre).
    std::vector<double> encode(const SweepPoint& point) const;
    /// A uniformly random point (the encoding's distribution: log-uniform where declared).
    SweepPoint sample(uint64_t seed) const;
    /// Every grid point: `steps` values per continuous range, every integer up to `steps`
    /// evenly spaced, every choice. Nullopt with the count when there are more than `limit`.
    std::optional<std::vector<SweepPoint>> grid(int steps, int64_t limit,
                                                int64_t* count = nullptr) const;
    /// Whether a parameter is active at a point.
    bool isActive(const SweepParam& param, const SweepPoint& point) const;

private:
    QJsonValue decodeParam(const SweepParam& param, const double* unit) const;
    std::vector<SweepParam> params_;
};

} // namespace trainlab
