#include "sweep/SweepStrategy.h"

#include "base/Errors.h"
#include "sweep/Acquisition.h"
#include "sweep/TpeStrategy.h"
#include "util/SeedMix.h"

#include <QJsonDocument>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace trainlab {

namespace {

QByteArray keyOf(const SweepPoint& point) {
    return QJsonDocument(point).toJson(QJsonDocument::Compact);
}

QJsonObject importanceFromLengths(const SearchSpace& space, const std::vector<double>& lengths) {
    QJsonObject result;
    std::vector<double> raw;
    size_t offset = 0;
    for (const SweepParam& p : space.params()) {
        double inverse = 0;
        for (int k = 0; k < p.encodedWidth(); ++k)
            inverse = std::max(inverse, 1.0 / lengths[offset + size_t(k)]);
        offset += size_t(p.encodedWidth());
        raw.push_back(inverse);
    }
    const double total = std::accumulate(raw.begin(), raw.end(), 0.0);
    for (size_t i = 0; i < raw.size(); ++i)
        result.insert(space.params()[i].path, total > 0 ? raw[i] / total : 0.0);
    return result;
}

/// Observations in the unit-cube encoding with standardized objectives. Failed trials take the
/// worst standardized value seen: the model then predicts poor results around them, which is
/// what steers the search away, without a second (feasibility) model to fit.
struct ModelData {
    DenseMatrix x;
    std::vector<double> y;
    std::vector<std::vector<double>> best; ///< the scored points, best first (up to 5)
    double bestY = 0;
    int scored = 0;
};

// Past this many observations the GP keeps the best half of them and the most recent rest: a
// fit costs O(n³), and a few hundred points already pin the model down.
constexpr size_t kMaxModelPoints = 300;

ModelData modelData(const SearchSpace& space, const std::vector<Observation>& observed) {
    ModelData data;
    std::vector<double> values;
    for (const auto& o : observed)
        if (o.objective && std::isfinite(*o.objective))
            values.push_back(*o.objective);
    data.scored = int(values.size());
    if (values.empty())
        return data;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    double variance = 0;
    for (double v : values)
        variance += (v - mean) * (v - mean);
    const double sd = values.size() > 1 ? std::sqrt(variance / double(values.size() - 1)) : 1.0;
    const double scale = sd > 1e-12 ? sd : 1.0;
    const double worst = (*std::max_element(values.begin(), values.end()) - mean) / scale;

    std::vector<double> ys;
    size_t next = 0;
    for (const auto& o : observed) {
        const bool scored = o.objective && std::isfinite(*o.objective);
        ys.push_back(scored ? (values[next++] - mean) / scale : worst);
    }
    std::vector<size_t> byValue(observed.size());
    std::iota(byValue.begin(), byValue.end(), 0);
    std::stable_sort(byValue.begin(), byValue.end(),
                     [&](size_t a, size_t b) { return ys[a] < ys[b]; });
    std::vector<bool> keep(observed.size(), observed.size() <= kMaxModelPoints);
    if (observed.size() > kMaxModelPoints) {
        for (size_t i = 0; i < kMaxModelPoints / 2; ++i)
            keep[byValue[i]] = true;
        size_t kept = kMaxModelPoints / 2;
        for (size_t i = observed.size(); i-- > 0 && kept < kMaxModelPoints;) {
            if (!keep[i]) {
                keep[i] = true;
                ++kept;
            }
        }
    }
    for (size_t i = 0; i < observed.size(); ++i) {
        if (keep[i]) {
            data.x.appendRow(space.encode(observed[i].point));
            data.y.push_back(ys[i]);
        }
    }
    data.bestY = ys[byValue.front()];
    for (size_t i = 0; i < byValue.size() && data.best.size() < 5; ++i) {
        const Observation& o = observed[byValue[i]];
        if (o.objective && std::isfinite(*o.objective))
            data.best.push_back(space.encode(o.point));
    }
    return data;
}

} // namespace

SobolSequence initialDesign(const SearchSpace& space, uint64_t seed) {
    return SobolSequence(space.encodedDimensions(), mixSeed(seed, 0x50b07ULL));
}

std::vector<SweepPoint> GridStrategy::propose(int count, const std::vector<Observation>& observed,
                                              const std::vector<SweepPoint>& pending) {
    QSet<QByteArray> taken;
    for (const auto& o : observed)
        taken.insert(keyOf(o.point));
    for (const auto& p : pending)
        taken.insert(keyOf(p));
    std::vector<SweepPoint> next;
    for (const SweepPoint& point : points_) {
        if (int(next.size()) >= count)
            break;
        if (!taken.contains(keyOf(point)))
            next.push_back(point);
    }
    return next;
}

RandomStrategy::RandomStrategy(const SearchSpace& space, uint64_t seed)
    : space_(space)
    , sobol_(initialDesign(space, seed)) {}

std::vector<SweepPoint> RandomStrategy::propose(int count, const std::vector<Observation>& observed,
                                                const std::vector<SweepPoint>& pending) {
    std::vector<SweepPoint> next;
    const auto first = uint64_t(observed.size() + pending.size());
    for (int i = 0; i < count; ++i)
        next.push_back(space_.decode(sobol_.point(first + uint64_t(i))));
    return next;
}

BayesianStrategy::BayesianStrategy(const SearchSpace& space, uint64_t seed, int initialPoints)
    : space_(space)
    , seed_(seed)
    , initialPoints_(std::max(2, initialPoints))
    , sobol_(initialDesign(space, seed)) {}

std::vector<SweepPoint> BayesianStrategy::propose(int count,
                                                  const std::vector<Observation>& observed,
                                                  const std::vector<SweepPoint>& pending) {
    const auto done = uint64_t(observed.size() + pending.size());
    ModelData data = modelData(space_, observed);
    std::vector<SweepPoint> next;
    if (data.scored < initialPoints_ || space_.encodedDimensions() == 0) {
        for (int i = 0; i < count; ++i)
            next.push_back(space_.decode(sobol_.point(done + uint64_t(i))));
        return next;
    }
    // A thorough fit (several restarts) at first and every tenth; in between the previous
    // hyperparameters warm-start the fit next to one fresh start, which keeps a proposal at 100
    // observations well under half a second.
    const bool thorough = fits_ % 10 == 0;
    gp_.fit(data.x, data.y, thorough ? 3 : 1, mixSeed(seed_, done), 100);
    ++fits_;

    // Constant liar: pending and freshly proposed points are assumed to score the best value.
    std::vector<std::vector<double>> lies;
    for (const auto& p : pending)
        lies.push_back(space_.encode(p));
    for (int i = 0; i < count; ++i) {
        GaussianProcess conditioned = gp_;
        if (!lies.empty()) {
            DenseMatrix x = data.x;
            std::vector<double> y = data.y;
            for (const auto& lie : lies) {
                x.appendRow(lie);
                y.push_back(data.bestY);
            }
            conditioned.setData(std::move(x), std::move(y), gp_.hyperparameters());
        }
        const auto unit = maximizeExpectedImprovement(conditioned, data.bestY, data.best,
                                                      mixSeed(seed_ ^ 0xe1ULL, done + uint64_t(i)));
        next.push_back(space_.decode(unit));
        lies.push_back(space_.encode(next.back()));
    }
    return next;
}

QJsonObject BayesianStrategy::importance() const {
    return fits_ > 0 ? importanceFromLengths(space_, gp_.hyperparameters().lengthScales)
                     : QJsonObject();
}

QJsonObject parameterImportance(const SearchSpace& space, const std::vector<Observation>& observed,
                                uint64_t seed) {
    std::vector<Observation> scored;
    for (const auto& o : observed)
        if (o.objective && std::isfinite(*o.objective))
            scored.push_back(o);
    if (scored.size() < 3 || space.encodedDimensions() == 0)
        return {};
    ModelData data = modelData(space, scored);
    GaussianProcess gp;
    gp.fit(std::move(data.x), std::move(data.y), 3, seed);
    return importanceFromLengths(space, gp.hyperparameters().lengthScales);
}

std::unique_ptr<SweepStrategy> makeStrategy(const QString& name, const SearchSpace& space,
                                            uint64_t seed, int gridSteps, int initialPoints) {
    if (name == QLatin1String("grid")) {
        int64_t count = 0;
        auto points = space.grid(gridSteps, 100000, &count);
        if (!points)
            throw InputError(
                QStringLiteral("sweep.strategy: the grid has %1 points, more than 100000; "
                               "lower sweep.grid_steps or use random, bayesian or tpe")
                    .arg(count));
        return std::make_unique<GridStrategy>(std::move(*points));
    }
    if (name == QLatin1String("random"))
        return std::make_unique<RandomStrategy>(space, seed);
    if (name == QLatin1String("bayesian"))
        return std::make_unique<BayesianStrategy>(space, seed, initialPoints);
    if (name == QLatin1String("tpe"))
        return std::make_unique<TpeStrategy>(space, seed, initialPoints);
    throw InputError(
        QStringLiteral("sweep.strategy: unknown strategy '%1' (grid, random, bayesian, tpe)")
            .arg(name));
}

} // namespace trainlab
