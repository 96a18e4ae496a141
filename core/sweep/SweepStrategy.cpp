#include "sweep/SweepStrategy.h"

#include "base/Errors.h"
#include "util/SeedMix.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QJsonDocument>
#include <QSet>

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

std::vector<SweepPoint> RandomStrategy::propose(int count, const std::vector<Observation>& observed,
                                                const std::vector<SweepPoint>& pending) {
    std::vector<SweepPoint> next;
    const auto first = uint64_t(observed.size() + pending.size());
    for (int i = 0; i < count; ++i)
        next.push_back(space_.sample(mixSeed(seed_, first + uint64_t(i))));
    return next;
}

BayesianStrategy::BayesianStrategy(const SearchSpace& space, uint64_t seed, int initialPoints,
                                   int candidates)
    : space_(space)
    , seed_(seed)
    , initialPoints_(std::max(2, initialPoints))
    , candidates_(candidates) {}

std::vector<double> BayesianStrategy::maximizeEi(const GaussianProcess& gp, double best,
                                                 uint64_t seed) const {
    const int64_t d = space_.encodedDimensions();
    auto generator = at::detail::createCPUGenerator(seed);
    auto candidates = torch::rand({candidates_, d}, generator, torch::kFloat64);
    auto scores = [&](const torch::Tensor& x) {
        const auto [mean, variance] = gp.predict(x);
        return expectedImprovement(mean, variance, best, 0.01);
    };
    auto ei = scores(candidates);
    // Local refinement: shrinking gaussian steps around the 16 best candidates.
    const int64_t keep = std::min<int64_t>(16, candidates.size(0));
    auto top = std::get<1>(ei.topk(keep));
    auto bestPoints = candidates.index_select(0, top);
    auto bestScores = ei.index_select(0, top);
    for (double radius : {0.1, 0.03, 0.01}) {
        for (int round = 0; round < 4; ++round) {
            const auto moved =
                (bestPoints + torch::randn(bestPoints.sizes(), generator, torch::kFloat64) * radius)
                    .clamp(0.0, 1.0);
            const auto movedScores = scores(moved);
            const auto better = movedScores > bestScores;
            bestPoints = torch::where(better.unsqueeze(1), moved, bestPoints);
            bestScores = torch::where(better, movedScores, bestScores);
        }
    }
    const auto winner = bestPoints[bestScores.argmax()];
    return std::vector<double>(winner.data_ptr<double>(), winner.data_ptr<double>() + d);
}

std::vector<SweepPoint> BayesianStrategy::propose(int count,
                                                  const std::vector<Observation>& observed,
                                                  const std::vector<SweepPoint>& pending) {
    std::vector<std::vector<double>> xs;
    std::vector<double> ys;
    for (const auto& o : observed) {
        if (o.objective && std::isfinite(*o.objective)) {
            xs.push_back(space_.encode(o.point));
            ys.push_back(*o.objective);
        }
    }
    const auto done = uint64_t(observed.size() + pending.size());
    std::vector<SweepPoint> next;
    if (int(xs.size()) < initialPoints_ || space_.encodedDimensions() == 0) {
        for (int i = 0; i < count; ++i)
            next.push_back(space_.sample(mixSeed(seed_, done + uint64_t(i))));
        return next;
    }
    const int64_t d = space_.encodedDimensions();
    auto x = torch::empty({int64_t(xs.size()), d}, torch::kFloat64);
    for (size_t i = 0; i < xs.size(); ++i)
        for (int64_t j = 0; j < d; ++j)
            x[int64_t(i)][j] = xs[i][size_t(j)];
    auto y = torch::tensor(ys, torch::kFloat64);
    const double mean = y.mean().item<double>();
    const double std = std::max(1e-12, ys.size() > 1 ? y.std().item<double>() : 1.0);
    y = (y - mean) / std;
    // Random restarts every tenth fit; in between, the previous hyperparameters warm-start a
    // single short fit, which keeps a proposal well under a second at 100 observations.
    const bool restart = !fitted_ || xs.size() % 10 == 0;
    gp_.fit(x, y, restart ? 2 : 0, mixSeed(seed_, done), restart ? 80 : 30);
    fitted_ = true;
    // Constant liar: pending and freshly proposed points are assumed to score the best value.
    const double liar = y.min().item<double>();
    std::vector<std::vector<double>> lies;
    for (const auto& p : pending)
        lies.push_back(space_.encode(p));
    for (int i = 0; i < count; ++i) {
        GaussianProcess conditioned = gp_;
        if (!lies.empty()) {
            auto lx = torch::empty({int64_t(lies.size()), d}, torch::kFloat64);
            for (size_t r = 0; r < lies.size(); ++r)
                for (int64_t j = 0; j < d; ++j)
                    lx[int64_t(r)][j] = lies[r][size_t(j)];
            conditioned.setData(
                torch::cat({x, lx}),
                torch::cat({y, torch::full({int64_t(lies.size())}, liar, torch::kFloat64)}),
                gp_.hyperparameters());
        }
        const auto unit =
            maximizeEi(conditioned, liar, mixSeed(seed_ ^ 0xe1ULL, done + uint64_t(i)));
        next.push_back(space_.decode(unit));
        lies.push_back(space_.encode(next.back()));
    }
    return next;
}

QJsonObject BayesianStrategy::importance() const {
    return fitted_ ? importanceFromLengths(space_, gp_.hyperparameters().lengthScales)
                   : QJsonObject();
}

QJsonObject parameterImportance(const SearchSpace& space, const std::vector<Observation>& observed,
                                uint64_t seed) {
    std::vector<std::vector<double>> xs;
    std::vector<double> ys;
    for (const auto& o : observed) {
        if (o.objective && std::isfinite(*o.objective)) {
            xs.push_back(space.encode(o.point));
            ys.push_back(*o.objective);
        }
    }
    const int64_t d = space.encodedDimensions();
    if (xs.size() < 3 || d == 0)
        return {};
    auto x = torch::empty({int64_t(xs.size()), d}, torch::kFloat64);
    for (size_t i = 0; i < xs.size(); ++i)
        for (int64_t j = 0; j < d; ++j)
            x[int64_t(i)][j] = xs[i][size_t(j)];
    auto y = torch::tensor(ys, torch::kFloat64);
    const double std = y.std().item<double>();
    y = (y - y.mean()) / (std > 1e-12 ? std : 1.0);
    GaussianProcess gp;
    gp.fit(x, y, 3, seed);
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
                               "lower sweep.grid_steps or use random or bayesian")
                    .arg(count));
        return std::make_unique<GridStrategy>(std::move(*points));
    }
    if (name == QLatin1String("random"))
        return std::make_unique<RandomStrategy>(space, seed);
    if (name == QLatin1String("bayesian"))
        return std::make_unique<BayesianStrategy>(space, seed, initialPoints);
    throw InputError(
        QStringLiteral("sweep.strategy: unknown strategy '%1' (grid, random, bayesian)").arg(name));
}

} // namespace trainlab
