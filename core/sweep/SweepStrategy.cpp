#include "sweep/SweepStrategy.h"

#include "base/Errors.h"
#include "sweep/Acquisition.h"
#include "sweep/SurrogateData.h"
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
    SurrogateData data = surrogateData(space_, observed);
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
    SurrogateData data = surrogateData(space, scored);
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
