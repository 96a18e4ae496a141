// Strategies on standard test functions: Branin (2-D, minimum 0.397887) and Hartmann-6
// (minimum -3.32237), 100 evaluations x 10 seeds. A table of strategy x function: mean
// best-so-far after 25, 50 and 100 evaluations for random, grid, Bayesian and TPE, and the time of
// one proposal with all 100 observations in (mean and max over seeds, wall clock and process CPU;
// on a shared machine the wall clock also counts other processes' turns), then a line on the
// targets of issue 14: Bayesian at 100 evaluations <= 0.398 (Branin) and <= -3.29 (Hartmann-6),
// with a proposal taking at most 0.5 s. Published scikit-optimize figures after 200 evaluations:
// Branin 0.398 (gp_minimize) vs 0.911 (random); Hartmann-6 -3.299 vs -2.374.
//
// Hartmann-6 has a wide local basin at -3.2032 besides the global one; a Bayesian run ends in one
// or the other, so its mean moves by 0.012 per seed that stays local. --first-seed shows how
// the figure varies with the seeds.
//
// Usage: bench_sweep [--seeds N] [--first-seed S] [--evaluations N] [--strategies a,b,...]
//                    [--problems a,b] [--per-seed]
// Not a test: figures go to stdout.
#include "sweep/SearchSpace.h"
#include "sweep/SweepStrategy.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <numbers>
#include <numeric>

using namespace trainlab;

namespace {

double branin(const SweepPoint& p) {
    const double x = p.value(QStringLiteral("x1")).toDouble();
    const double y = p.value(QStringLiteral("x2")).toDouble();
    const double b = 5.1 / (4 * std::numbers::pi * std::numbers::pi);
    const double c = 5 / std::numbers::pi;
    const double t = 1 / (8 * std::numbers::pi);
    return std::pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * std::cos(x) + 10;
}

double hartmann6(const SweepPoint& p) {
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double pm[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                    {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                    {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                    {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double total = 0;
    for (int i = 0; i < 4; ++i) {
        double inner = 0;
        for (int j = 0; j < 6; ++j) {
            const double x = p.value(QStringLiteral("x%1").arg(j + 1)).toDouble();
            inner += a[i][j] * (x - pm[i][j]) * (x - pm[i][j]);
        }
        total += alpha[i] * std::exp(-inner);
    }
    return -total;
}

struct Problem {
    const char* name;
    const char* space;
    double (*f)(const SweepPoint&);
    double target;    ///< issue 14's target for the Bayesian mean best at 100 evaluations
    double tolerance; ///< how far above the target still counts (rounding of the stated figure)
};

double mean(const std::vector<double>& v) {
    return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double largest(const std::vector<double>& v) {
    return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int seeds = 10;
    int firstSeed = 0;
    int evaluations = 100;
    QStringList strategies = {QStringLiteral("random"), QStringLiteral("grid"),
                              QStringLiteral("bayesian"), QStringLiteral("tpe")};
    QStringList only;
    const bool perSeed = args.contains(QLatin1String("--per-seed"));
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--seeds"))
            seeds = args[i + 1].toInt();
        if (args[i] == QLatin1String("--first-seed"))
            firstSeed = args[i + 1].toInt();
        if (args[i] == QLatin1String("--evaluations"))
            evaluations = args[i + 1].toInt();
        if (args[i] == QLatin1String("--strategies"))
            strategies = args[i + 1].split(QLatin1Char(','));
        if (args[i] == QLatin1String("--problems"))
            only = args[i + 1].split(QLatin1Char(','));
    }
    const Problem problems[] = {
        {"branin", R"({"x1": {"uniform": [-5, 10]}, "x2": {"uniform": [0, 15]}})", branin, 0.398,
         0.0005},
        {"hartmann6",
         R"({"x1": {"uniform": [0, 1]}, "x2": {"uniform": [0, 1]}, "x3": {"uniform": [0, 1]},
                          "x4": {"uniform": [0, 1]}, "x5": {"uniform": [0, 1]}, "x6": {"uniform": [0, 1]}})",
         hartmann6, -3.29, 0.0},
    };
    QTextStream out(stdout);
    out << "bench_sweep: " << seeds << " seeds (" << firstSeed << ".." << firstSeed + seeds - 1
        << ") x " << evaluations << " evaluations\n"
        << "best: mean over seeds of the best value after 25, 50 and all evaluations\n"
        << "proposal: one more proposal once all " << evaluations
        << " observations are in, timed in each seed (wall clock and process CPU; mean and max "
           "over seeds), and the slowest of every proposal made\n\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 | %6 %7 | %8 %9 | %10\n")
               .arg(QStringLiteral("function"), -10)
               .arg(QStringLiteral("strategy"), -9)
               .arg(QStringLiteral("@25"), 9)
               .arg(QStringLiteral("@50"), 9)
               .arg(QStringLiteral("@%1").arg(evaluations), 9)
               .arg(QStringLiteral("wall mean"), 9)
               .arg(QStringLiteral("max"), 7)
               .arg(QStringLiteral("CPU mean"), 9)
               .arg(QStringLiteral("max"), 7)
               .arg(QStringLiteral("slowest"), 7);
    // Issue 14's targets for the Bayesian strategy at 100 evaluations.
    QStringList verdicts;
    double slowestBayesian = 0;
    for (const Problem& problem : problems) {
        if (!only.isEmpty() && !only.contains(QLatin1String(problem.name)))
            continue;
        QStringList errors;
        const SearchSpace space = SearchSpace::fromJson(
            QJsonDocument::fromJson(problem.space).object(), QStringLiteral("space"), errors);
        for (const QString& strategyName : strategies) {
            std::vector<double> at25;
            std::vector<double> at50;
            std::vector<double> atEnd;
            std::vector<double> finalWall;
            std::vector<double> finalCpu;
            double slowestSeconds = 0;
            for (int seed = firstSeed; seed < firstSeed + seeds; ++seed) {
                // A grid of at most `evaluations` points: steps = floor(evaluations^(1/d)); in 6-D
                // that is 2 steps (64 points), and the remaining evaluations are random.
                const int d = int(space.params().size());
                const int steps = std::max(2, int(std::floor(std::pow(evaluations, 1.0 / d))));
                auto strategy = makeStrategy(strategyName, space, uint64_t(seed), steps, 10);
                std::vector<Observation> observed;
                double best = 1e18;
                for (int e = 0; e <= evaluations; ++e) {
                    const auto start = std::chrono::steady_clock::now();
                    const std::clock_t cpuStart = std::clock();
                    auto next = strategy->propose(1, observed, {});
                    const double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
                    const double seconds =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                            .count();
                    slowestSeconds = std::max(slowestSeconds, seconds);
                    if (e == evaluations) { // the proposal with every observation in
                        finalWall.push_back(seconds);
                        finalCpu.push_back(cpu);
                        break;
                    }
                    if (next.empty())
                        next = {
                            space.sample(uint64_t(seed) * 1000 + uint64_t(e))}; // grid exhausted
                    const double value = problem.f(next.front());
                    observed.push_back({next.front(), value});
                    best = std::min(best, value);
                    if (e + 1 == 25)
                        at25.push_back(best);
                    if (e + 1 == 50)
                        at50.push_back(best);
                    if (e + 1 == evaluations)
                        atEnd.push_back(best);
                }
            }
            out << QStringLiteral("%1 %2 %3 %4 %5 | %6 %7 | %8 %9 | %10")
                       .arg(QLatin1String(problem.name), -10)
                       .arg(strategyName, -9)
                       .arg(mean(at25), 9, 'f', 4)
                       .arg(mean(at50), 9, 'f', 4)
                       .arg(mean(atEnd), 9, 'f', 4)
                       .arg(mean(finalWall), 9, 'f', 3)
                       .arg(largest(finalWall), 7, 'f', 3)
                       .arg(mean(finalCpu), 9, 'f', 3)
                       .arg(largest(finalCpu), 7, 'f', 3)
                       .arg(slowestSeconds, 7, 'f', 3)
                << "\n";
            if (perSeed) {
                out << "    per seed:";
                for (double v : atEnd)
                    out << " " << QString::number(v, 'f', 4);
                out << "\n";
            }
            out.flush();
            if (strategyName == QLatin1String("bayesian") && evaluations == 100) {
                slowestBayesian = std::max(slowestBayesian, largest(finalWall));
                const double target = problem.target;
                // Branin's target is its minimum to three decimals: a mean that rounds to 0.398.
                const bool met = mean(atEnd) <= target + problem.tolerance;
                verdicts << QStringLiteral("%1 %2 (target %3) %4")
                                .arg(QLatin1String(problem.name))
                                .arg(mean(atEnd), 0, 'f', 4)
                                .arg(target)
                                .arg(met ? QStringLiteral("met") : QStringLiteral("MISSED"));
            }
        }
    }
    if (!verdicts.isEmpty())
        out << "\nissue 14, Bayesian after 100 evaluations: " << verdicts.join(QStringLiteral("; "))
            << "; proposal with 100 observations at most "
            << QString::number(slowestBayesian, 'f', 3) << " s wall (target 0.5 s) "
            << (slowestBayesian <= 0.5 ? "met" : "MISSED") << "\n";
    return 0;
}
