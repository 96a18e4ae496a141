// Sweep decisions on scripted inputs: ASHA promotion and stopping, the median rule, the Pareto
// front, strategies' proposals (grid order, random reproducibility and spread, Bayesian and TPE
// on a known function, both steering away from failing trials), the Bayesian strategy's model
// data (failed trials at the worst value, log parameters on their log scale), and importance.
#include "sweep/Acquisition.h"
#include "sweep/ParetoFront.h"
#include "sweep/SearchSpace.h"
#include "sweep/SurrogateData.h"
#include "sweep/SweepStrategy.h"
#include "sweep/TpeStrategy.h"
#include "sweep/TrialPruner.h"

#include <QJsonDocument>
#include <QtTest>
#include <cmath>
#include <functional>

using namespace trainlab;

namespace {

SearchSpace space(const char* json) {
    QStringList errors;
    return SearchSpace::fromJson(QJsonDocument::fromJson(json).object(),
                                 QStringLiteral("sweep.space"), errors);
}

double quadratic(const SweepPoint& p) {
    const double x = p.value(QStringLiteral("x")).toDouble();
    const double y = p.value(QStringLiteral("y")).toDouble();
    return (x - 0.7) * (x - 0.7) + 4 * (y + 0.3) * (y + 0.3);
}

/// Runs `strategy` for `trials` one at a time on `f` (nullopt: the trial failed).
std::vector<Observation>
runSweep(SweepStrategy& strategy, int trials,
         const std::function<std::optional<double>(const SweepPoint&)>& f) {
    std::vector<Observation> observed;
    for (int i = 0; i < trials; ++i) {
        const auto next = strategy.propose(1, observed, {});
        observed.push_back({next.front(), f(next.front())});
    }
    return observed;
}

SweepPoint point(double x, double y) {
    return {{QStringLiteral("x"), x}, {QStringLiteral("y"), y}};
}

/// Trials past the first `skip` that failed.
int failuresAfter(const std::vector<Observation>& observed, size_t skip) {
    int count = 0;
    for (size_t i = skip; i < observed.size(); ++i)
        count += observed[i].objective ? 0 : 1;
    return count;
}

} // namespace

class TestSweepLogic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ashaPromotesTheTopThird() {
        AshaPruner asha(1, 3, /*maximize=*/true);
        QCOMPARE(asha.rungResource(0), 1.0);
        QCOMPARE(asha.rungResource(2), 9.0);
        // Rung 0 (epoch 1): the first trial always continues.
        QVERIFY(!asha.report(1, 1, 0.50));
        // Two at the rung: top max(1, 2/3 = 0) = 1 continues: 0.40 is not it.
        QVERIFY(asha.report(2, 1, 0.40));
        // 0.60 is the best of three: continues.
        QVERIFY(!asha.report(3, 1, 0.60));
        // Between rungs there is nothing to decide.
        QVERIFY(!asha.report(3, 2, 0.10));
        // Six at rung 0: the top 2 continue; 0.55 ranks second.
        QVERIFY(asha.report(4, 1, 0.30));
        QVERIFY(asha.report(5, 1, 0.20));
        QVERIFY(!asha.report(6, 1, 0.55));
        // Rung 1 (epoch 3): trial 3 arrives first and continues.
        QVERIFY(!asha.report(3, 3, 0.70));
        QVERIFY(asha.report(6, 3, 0.65));
    }

    void ashaMinimizes() {
        AshaPruner asha(2, 2, /*maximize=*/false);
        QVERIFY(!asha.report(1, 2, 0.9));
        QVERIFY(!asha.report(2, 2, 0.5)); // lower loss is better: top 1 of 2
        QVERIFY(asha.report(3, 2, 0.7));  // 3 at the rung, top 1: 0.5 holds it
        QVERIFY(!asha.report(1, 1, 0.1)); // below the first rung: no decision
    }

    void medianRuleComparesBestSoFar() {
        MedianPruner median(2, /*maximize=*/false, 3);
        for (qint64 t = 1; t <= 3; ++t) {
            QVERIFY(!median.report(t, 1, 1.0 * t));
            QVERIFY(!median.report(t, 2, 0.5 * t)); // fewer than 3 others at resource 2 so far
        }
        // Others at resource 2: 0.5, 1.0, 1.5 -> median 1.0. Its best so far is 1.2: stop.
        QVERIFY(!median.report(4, 1, 2.0));
        QVERIFY(median.report(4, 2, 1.2));
        // Trial 5 reached 0.4 at resource 1, so its best at resource 2 is 0.4 < 1.0: go on.
        QVERIFY(!median.report(5, 1, 0.4));
        QVERIFY(!median.report(5, 2, 3.0));
    }

    void paretoFrontOfTwoObjectives() {
        // maximize accuracy, minimize cost
        const std::vector<std::vector<double>> rows = {{0.90, 10}, {0.92, 20}, {0.89, 5},
                                                       {0.88, 12}, {0.92, 25}, {0.90, 10}};
        const auto front = paretoFront(rows, {true, false});
        QCOMPARE(front, (std::vector<int>{0, 1, 2, 5}));
    }

    void gridProposesEachPointOnce() {
        const SearchSpace s = space(R"({"k": {"int": [1, 4]}})");
        auto grid = makeStrategy(QStringLiteral("grid"), s, 0, 5, 0);
        auto first = grid->propose(3, {}, {});
        QCOMPARE(first.size(), size_t(3));
        std::vector<Observation> observed;
        for (const auto& p : first)
            observed.push_back({p, 1.0});
        auto rest = grid->propose(3, observed, {});
        QCOMPARE(rest.size(), size_t(1));
        QCOMPARE(rest.front().value(QStringLiteral("k")).toInt(), 4);
        QVERIFY(grid->propose(3, observed, rest).empty());
    }

    void tooLargeGridIsRefused() {
        const SearchSpace s =
            space(R"({"a": {"uniform": [0, 1]}, "b": {"uniform": [0, 1]}, "c": {"uniform": [0, 1]},
            "d": {"uniform": [0, 1]}, "e": {"uniform": [0, 1]}, "f": {"uniform": [0, 1]}})");
        QVERIFY_THROWS_EXCEPTION(std::exception, makeStrategy(QStringLiteral("grid"), s, 0, 10, 0));
    }

    void randomIsReproducible() {
        const SearchSpace s = space(R"({"x": {"uniform": [0, 1]}})");
        auto a = makeStrategy(QStringLiteral("random"), s, 9, 5, 0);
        auto b = makeStrategy(QStringLiteral("random"), s, 9, 5, 0);
        QCOMPARE(a->propose(4, {}, {}), b->propose(4, {}, {}));
        // Trial 3 is the same point whether asked for alone or in a batch.
        const auto batch = a->propose(4, {}, {});
        const std::vector<SweepPoint> pending(batch.begin(), batch.begin() + 3);
        QCOMPARE(b->propose(1, {}, pending).front(), batch[3]);
    }

    void randomCoversTheSpaceEvenly() {
        // 16 trials of one parameter: a scrambled Sobol design puts one in each sixteenth, which
        // independent draws almost never do; log parameters are spread on their log scale.
        const SearchSpace s =
            space(R"({"x": {"uniform": [0, 1]}, "lr": {"log_uniform": [1e-5, 1e-1]}})");
        auto random = makeStrategy(QStringLiteral("random"), s, 3, 5, 0);
        const auto points = random->propose(16, {}, {});
        QSet<int> xs;
        QSet<int> decades;
        for (const auto& p : points) {
            xs.insert(int(p.value(QStringLiteral("x")).toDouble() * 16));
            decades.insert(int(std::floor(std::log10(p.value(QStringLiteral("lr")).toDouble()))));
        }
        QCOMPARE(xs.size(), 16);
        QCOMPARE(decades.size(), 4); // 1e-5..1e-1: four decades, four trials in each
        auto other = makeStrategy(QStringLiteral("random"), s, 4, 5, 0);
        QVERIFY(other->propose(16, {}, {}) != points);
    }

    void bayesianFindsTheMinimumOfAQuadratic() {
        const SearchSpace s = space(R"({"x": {"uniform": [-2, 2]}, "y": {"uniform": [-2, 2]}})");
        BayesianStrategy bayes(s, 4, 6);
        const std::vector<Observation> observed = runSweep(bayes, 25, quadratic);
        double best = 1e9;
        for (const auto& o : observed)
            best = std::min(best, *o.objective);
        QVERIFY2(best < 0.02, qPrintable(QString::number(best)));
        const QJsonObject importance = bayes.importance();
        QCOMPARE(importance.size(), 2);
        QVERIFY(std::abs(importance.value(QStringLiteral("x")).toDouble() +
                         importance.value(QStringLiteral("y")).toDouble() - 1.0) < 1e-9);
    }

    void tpeFindsTheMinimumOfAQuadratic() {
        const SearchSpace s = space(R"({"x": {"uniform": [-2, 2]}, "y": {"uniform": [-2, 2]}})");
        auto tpe = makeStrategy(QStringLiteral("tpe"), s, 4, 5, 8);
        QVERIFY(dynamic_cast<TpeStrategy*>(tpe.get()));
        const std::vector<Observation> observed = runSweep(*tpe, 60, quadratic);
        double best = 1e9;
        for (const auto& o : observed)
            best = std::min(best, *o.objective);
        QVERIFY2(best < 0.05, qPrintable(QString::number(best)));
        // Same seed, same history: same proposals, one at a time or in a batch of three.
        auto again = makeStrategy(QStringLiteral("tpe"), s, 4, 5, 8);
        QCOMPARE(runSweep(*again, 60, quadratic).back().point, observed.back().point);
        const std::vector<Observation> history(observed.begin(), observed.begin() + 30);
        const auto batch = tpe->propose(3, history, {});
        QCOMPARE(batch.size(), size_t(3));
        QVERIFY(batch[0] != batch[1] && batch[1] != batch[2]);
    }

    void tpeHandlesChoicesAndConditions() {
        const SearchSpace s = space(R"({"opt": {"choice": ["sgd", "adam"]},
            "momentum": {"uniform": [0, 1], "when": {"opt": "sgd"}},
            "width": {"int": [8, 64], "log": true}})");
        auto tpe = makeStrategy(QStringLiteral("tpe"), s, 2, 5, 5);
        // adam is better, and wider is better: TPE should settle on adam and large widths.
        const auto observed = runSweep(*tpe, 40, [](const SweepPoint& p) -> std::optional<double> {
            const bool adam = p.value(QStringLiteral("opt")).toString() == QLatin1String("adam");
            return (adam ? 0.0 : 1.0) - std::log(p.value(QStringLiteral("width")).toDouble()) / 10;
        });
        int adam = 0;
        for (size_t i = 20; i < observed.size(); ++i) {
            const SweepPoint& p = observed[i].point;
            adam += p.value(QStringLiteral("opt")).toString() == QLatin1String("adam") ? 1 : 0;
            QCOMPARE(p.contains(QStringLiteral("momentum")),
                     p.value(QStringLiteral("opt")).toString() == QLatin1String("sgd"));
        }
        QVERIFY2(adam >= 15, qPrintable(QString::number(adam)));
    }

    void failedTrialsSteerTheSearchAway() {
        // Trials with x > 0.5 fail (think: a learning rate that diverges); elsewhere the
        // objective is best near x = 0.3, y = 0.3. Once the models take over, few proposals
        // should land in the failing half, where random search puts half of them.
        const SearchSpace s = space(R"({"x": {"uniform": [0, 1]}, "y": {"uniform": [0, 1]}})");
        auto f = [](const SweepPoint& p) -> std::optional<double> {
            const double x = p.value(QStringLiteral("x")).toDouble();
            const double y = p.value(QStringLiteral("y")).toDouble();
            if (x > 0.5)
                return std::nullopt;
            return (x - 0.3) * (x - 0.3) + (y - 0.3) * (y - 0.3);
        };
        for (const char* name : {"bayesian", "tpe"}) {
            auto strategy = makeStrategy(QString::fromLatin1(name), s, 7, 5, 8);
            const auto observed = runSweep(*strategy, 40, f);
            const int failures = failuresAfter(observed, 8);
            QVERIFY2(failures <= 8,
                     qPrintable(QStringLiteral("%1: %2 of 32 failed").arg(name).arg(failures)));
            double best = 1e9;
            for (const auto& o : observed)
                best = std::min(best, o.objective.value_or(1e9));
            QVERIFY2(best < 0.01, qPrintable(QStringLiteral("%1: best %2").arg(name).arg(best)));
        }
        // Every trial failing so far: no model to fit, the design continues without error.
        BayesianStrategy bayes(s, 1, 4);
        const auto observed = runSweep(bayes, 6, [](const SweepPoint&) { return std::nullopt; });
        QCOMPARE(observed.size(), size_t(6));
    }

    void failedTrialLowersTheAcquisitionNearIt() {
        // The objective improves toward (1, 1), and the trial at (0.9, 0.9) failed. Entered at
        // the worst value seen, it raises the model's expectation there and cuts the expected
        // improvement at it and around it.
        const SearchSpace s = space(R"({"x": {"uniform": [0, 1]}, "y": {"uniform": [0, 1]}})");
        std::vector<Observation> observed;
        for (double x : {0.1, 0.3, 0.5, 0.7})
            for (double y : {0.2, 0.6})
                observed.push_back({point(x, y), -(x + y)});
        const SurrogateData scored = surrogateData(s, observed);
        observed.push_back({point(0.9, 0.9), std::nullopt});
        const SurrogateData withFailure = surrogateData(s, observed);
        QCOMPARE(withFailure.scored, 8);
        QCOMPARE(withFailure.y.back(), *std::max_element(scored.y.begin(), scored.y.end()));
        QCOMPARE(withFailure.bestY, scored.bestY);

        GaussianProcess unaware(GpMean::Quadratic);
        unaware.fit(scored.x, scored.y, 3, 1);
        GaussianProcess informed(GpMean::Quadratic);
        informed.setData(withFailure.x, withFailure.y, unaware.hyperparameters());
        for (const std::vector<double>& p : {std::vector{0.9, 0.9}, std::vector{0.86, 0.93}}) {
            double meanBefore = 0;
            double varianceBefore = 0;
            double meanAfter = 0;
            double varianceAfter = 0;
            unaware.predict(p.data(), meanBefore, varianceBefore);
            informed.predict(p.data(), meanAfter, varianceAfter);
            const double before = logExpectedImprovement(meanBefore, varianceBefore, scored.bestY);
            const double after = logExpectedImprovement(meanAfter, varianceAfter, scored.bestY);
            QVERIFY2(meanAfter > meanBefore + 0.5 && after < before - 2.0,
                     qPrintable(QStringLiteral("mean %1 -> %2, log EI %3 -> %4")
                                    .arg(meanBefore)
                                    .arg(meanAfter)
                                    .arg(before)
                                    .arg(after)));
        }
    }

    void logParametersAreModelledInLogSpace() {
        // The model sees a log-uniform parameter (and a log-scaled integer) by its logarithm:
        // each decade of the learning rate is an equal share of the unit interval.
        const SearchSpace s = space(R"({"lr": {"log_uniform": [1e-5, 1e-1]},
            "width": {"int": [1, 63], "log": true}})");
        const SurrogateData data =
            surrogateData(s, {{{{QStringLiteral("lr"), 1e-3}, {QStringLiteral("width"), 7}}, 1.0},
                              {{{QStringLiteral("lr"), 1e-4}, {QStringLiteral("width"), 1}}, 2.0}});
        // Columns in path order: lr, width.
        QVERIFY(std::abs(data.x(0, 0) - 0.5) < 1e-12);
        QVERIFY(std::abs(data.x(1, 0) - 0.25) < 1e-12);
        QVERIFY(std::abs(data.x(0, 1) - std::log(7.5) / std::log(64.0)) < 1e-12);
        QVERIFY(std::abs(data.x(1, 1) - std::log(1.5) / std::log(64.0)) < 1e-12);

        // A loss that is a bowl in log10(lr) around 10^-4.3, a point a linear encoding would
        // squeeze into the first 0.05% of the range: the search gets within 0.1 decade.
        const SearchSpace lrOnly = space(R"({"lr": {"log_uniform": [1e-6, 1]}})");
        BayesianStrategy bayes(lrOnly, 3, 5);
        const auto observed = runSweep(bayes, 15, [](const SweepPoint& p) -> std::optional<double> {
            const double decades = std::log10(p.value(QStringLiteral("lr")).toDouble()) + 4.3;
            return decades * decades;
        });
        double best = 1e9;
        for (const auto& o : observed)
            best = std::min(best, *o.objective);
        QVERIFY2(best < 0.01, qPrintable(QString::number(best)));
    }

    void bayesianBatchProposalsDiffer() {
        const SearchSpace s = space(R"({"x": {"uniform": [0, 1]}})");
        BayesianStrategy bayes(s, 1, 4);
        std::vector<Observation> observed;
        for (double x : {0.1, 0.4, 0.6, 0.9})
            observed.push_back({SweepPoint{{QStringLiteral("x"), x}}, std::sin(6 * x)});
        const auto batch = bayes.propose(3, observed, {});
        QCOMPARE(batch.size(), size_t(3));
        const double a = batch[0].value(QStringLiteral("x")).toDouble();
        const double b = batch[1].value(QStringLiteral("x")).toDouble();
        const double c = batch[2].value(QStringLiteral("x")).toDouble();
        QVERIFY(std::abs(a - b) > 0.02 && std::abs(b - c) > 0.02 && std::abs(a - c) > 0.02);
    }
};

QTEST_GUILESS_MAIN(TestSweepLogic)
#include "tst_sweeplogic.moc"
