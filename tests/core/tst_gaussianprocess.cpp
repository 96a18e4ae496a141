// The Gaussian process of the Bayesian sweep: posterior mean and variance against a 1-D case
// worked by hand and a 2-D case computed directly, the analytic gradients (likelihood by the
// hyperparameters, posterior and log EI by the point) against finite differences,
// hyperparameter fitting (relevance per axis, multi-start), the reused matrices of a fit, and
// expected-improvement proposals.
#include "sweep/Acquisition.h"
#include "sweep/BoxMinimizer.h"
#include "sweep/GaussianProcess.h"
#include "sweep/SweepRandom.h"

#include <QtTest>
#include <cmath>
#include <numbers>

using namespace trainlab;

namespace {

double matern(double r) {
    const double s = std::sqrt(5.0) * r;
    return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

DenseMatrix column(const std::vector<double>& values) {
    DenseMatrix m;
    for (double v : values)
        m.appendRow({v});
    return m;
}

/// Inverse of a small matrix by Gauss-Jordan elimination with partial pivoting: an independent
/// route to K⁻¹ for checking the Cholesky-based one.
std::vector<std::vector<double>> invert(std::vector<std::vector<double>> a) {
    const size_t n = a.size();
    std::vector<std::vector<double>> inv(n, std::vector<double>(n, 0.0));
    for (size_t i = 0; i < n; ++i)
        inv[i][i] = 1;
    for (size_t c = 0; c < n; ++c) {
        size_t pivot = c;
        for (size_t r = c + 1; r < n; ++r)
            if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
                pivot = r;
        std::swap(a[c], a[pivot]);
        std::swap(inv[c], inv[pivot]);
        const double p = a[c][c];
        for (size_t k = 0; k < n; ++k) {
            a[c][k] /= p;
            inv[c][k] /= p;
        }
        for (size_t r = 0; r < n; ++r) {
            if (r == c)
                continue;
            const double f = a[r][c];
            for (size_t k = 0; k < n; ++k) {
                a[r][k] -= f * a[c][k];
                inv[r][k] -= f * inv[c][k];
            }
        }
    }
    return inv;
}

/// Random points in the unit cube with a smooth, noisy target.
std::pair<DenseMatrix, std::vector<double>> randomData(int n, int d, uint64_t seed) {
    SweepRandom random(seed);
    DenseMatrix x;
    std::vector<double> y;
    for (int i = 0; i < n; ++i) {
        std::vector<double> p;
        for (int c = 0; c < d; ++c)
            p.push_back(random.uniform());
        x.appendRow(p);
        y.push_back(std::sin(5 * p[0]) + p[1] * p[1] + 0.1 * random.normal());
    }
    return {x, y};
}

double relativeError(double a, double b) {
    return std::abs(a - b) / std::max(1.0, std::abs(b));
}

} // namespace

class TestGaussianProcess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void posteriorMatchesHandWorkedCase() {
        GaussianProcess gp(GpMean::Zero);
        gp.setData(column({0.0, 1.0}), {0.0, 1.0}, {{1.0}, 1.0, 1e-10});
        // At x = 0.5, k* = [m(0.5), m(0.5)] and K = [[1, m(1)], [m(1), 1]]:
        // mean = m(0.5) / (1 + m(1)), variance = 1 - 2 m(0.5)^2 / (1 + m(1)).
        const double m5 = matern(0.5);
        const double m1 = matern(1.0);
        const auto [mean, variance] = gp.predict(column({0.5, 0.0, 1.0}));
        QVERIFY(std::abs(mean[0] - m5 / (1 + m1)) < 1e-6);
        QVERIFY(std::abs(variance[0] - (1 - 2 * m5 * m5 / (1 + m1))) < 1e-6);
        // At the observations the posterior interpolates with (almost) no uncertainty.
        QVERIFY(std::abs(mean[1]) < 1e-6);
        QVERIFY(std::abs(mean[2] - 1.0) < 1e-6);
        QVERIFY(variance[1] < 1e-6);

        // With a constant mean, c = 1ᵀK⁻¹y / 1ᵀK⁻¹1 = 0.5 by symmetry, and the residuals ∓0.5
        // cancel at the midpoint: mean 0.5, same variance.
        GaussianProcess constant(GpMean::Constant);
        constant.setData(column({0.0, 1.0}), {0.0, 1.0}, {{1.0}, 1.0, 1e-10});
        const auto [cMean, cVariance] = constant.predict(column({0.5, 1.0}));
        QVERIFY(std::abs(constant.priorMean() - 0.5) < 1e-9);
        QVERIFY(std::abs(cMean[0] - 0.5) < 1e-6);
        QVERIFY(std::abs(cMean[1] - 1.0) < 1e-6);
        QVERIFY(std::abs(cVariance[0] - (1 - 2 * m5 * m5 / (1 + m1))) < 1e-6);
    }

    void predictionsEqualADirectComputation() {
        // Three points in 2-D with ARD length scales and noise: K, K⁻¹ (by Gauss-Jordan), the
        // GLS mean, the posterior and the likelihood all computed here from their definitions.
        const std::vector<std::vector<double>> xs = {{0.1, 0.9}, {0.4, 0.2}, {0.8, 0.6}};
        const std::vector<double> y = {0.3, -1.2, 0.7};
        const GpHyperparameters hyper{{0.3, 0.8}, 1.7, 0.05};
        auto kernel = [&](const std::vector<double>& a, const std::vector<double>& b) {
            const double r = std::hypot((a[0] - b[0]) / 0.3, (a[1] - b[1]) / 0.8);
            return 1.7 * matern(r);
        };
        std::vector<std::vector<double>> k(3, std::vector<double>(3));
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j)
                k[i][j] = kernel(xs[i], xs[j]) + (i == j ? 0.05 : 0.0);
        const auto inv = invert(k);
        double oneKy = 0;
        double oneK1 = 0;
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j) {
                oneKy += inv[i][j] * y[j];
                oneK1 += inv[i][j];
            }
        const double c = oneKy / oneK1;
        const std::vector<double> point = {0.5, 0.5};
        std::vector<double> kStar(3);
        for (size_t i = 0; i < 3; ++i)
            kStar[i] = kernel(point, xs[i]);
        double mean = c;
        double variance = 1.7;
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j) {
                mean += kStar[i] * inv[i][j] * (y[j] - c);
                variance -= kStar[i] * inv[i][j] * kStar[j];
            }
        const double det = k[0][0] * (k[1][1] * k[2][2] - k[1][2] * k[2][1]) -
                           k[0][1] * (k[1][0] * k[2][2] - k[1][2] * k[2][0]) +
                           k[0][2] * (k[1][0] * k[2][1] - k[1][1] * k[2][0]);
        double quadratic = 0;
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j)
                quadratic += (y[i] - c) * inv[i][j] * (y[j] - c);
        const double nll =
            0.5 * quadratic + 0.5 * std::log(det) + 1.5 * std::log(2 * std::numbers::pi);

        GaussianProcess gp;
        gp.setData(DenseMatrix::fromRows(xs), y, hyper);
        double gpMean = 0;
        double gpVariance = 0;
        gp.predict(point.data(), gpMean, gpVariance);
        QVERIFY2(std::abs(gp.priorMean() - c) < 1e-9, qPrintable(QString::number(gp.priorMean())));
        QVERIFY2(std::abs(gpMean - mean) < 1e-9, qPrintable(QString::number(gpMean - mean)));
        QVERIFY2(std::abs(gpVariance - variance) < 1e-9,
                 qPrintable(QString::number(gpVariance - variance)));
        QVERIFY2(std::abs(gp.negativeLogLikelihood() - nll) < 1e-6,
                 qPrintable(QStringLiteral("%1 vs %2").arg(gp.negativeLogLikelihood()).arg(nll)));

        // The quadratic mean: β = (HᵀK⁻¹H)⁻¹ HᵀK⁻¹y with rows h(x) = (1, (4/d) Σ (x_k − ½)²).
        auto bowl = [](const std::vector<double>& p) {
            return 2.0 * ((p[0] - 0.5) * (p[0] - 0.5) + (p[1] - 0.5) * (p[1] - 0.5));
        };
        double hkh[2][2] = {{0, 0}, {0, 0}};
        double hky[2] = {0, 0};
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j) {
                const double hi[2] = {1.0, bowl(xs[i])};
                const double hj[2] = {1.0, bowl(xs[j])};
                for (int a = 0; a < 2; ++a) {
                    for (int b = 0; b < 2; ++b)
                        hkh[a][b] += hi[a] * inv[i][j] * hj[b];
                    hky[a] += hi[a] * inv[i][j] * y[j];
                }
            }
        const double hdet = hkh[0][0] * hkh[1][1] - hkh[0][1] * hkh[1][0];
        const double beta0 = (hkh[1][1] * hky[0] - hkh[0][1] * hky[1]) / hdet;
        const double beta1 = (hkh[0][0] * hky[1] - hkh[1][0] * hky[0]) / hdet;
        double quadraticMean = beta0 + beta1 * bowl(point);
        for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 3; ++j)
                quadraticMean += kStar[i] * inv[i][j] * (y[j] - beta0 - beta1 * bowl(xs[j]));
        GaussianProcess bowlGp(GpMean::Quadratic);
        bowlGp.setData(DenseMatrix::fromRows(xs), y, hyper);
        bowlGp.predict(point.data(), gpMean, gpVariance);
        QVERIFY(std::abs(bowlGp.meanCoefficients().at(0) - beta0) < 1e-7);
        QVERIFY(std::abs(bowlGp.meanCoefficients().at(1) - beta1) < 1e-7);
        QVERIFY2(std::abs(gpMean - quadraticMean) < 1e-8,
                 qPrintable(QString::number(gpMean - quadraticMean)));
        QVERIFY(std::abs(gpVariance - variance) < 1e-9);

        // The Cholesky route to K⁻¹ agrees with Gauss-Jordan.
        DenseMatrix lower;
        QVERIFY(choleskyDecompose(DenseMatrix::fromRows(k), lower));
        const DenseMatrix cholInverse = choleskyInverse(lower);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                QVERIFY(std::abs(cholInverse(i, j) - inv[size_t(i)][size_t(j)]) < 1e-9);
    }

    void likelihoodGradientMatchesFiniteDifferences() {
        for (GpMean meanKind : {GpMean::Zero, GpMean::Constant, GpMean::Quadratic}) {
            for (bool withPrior : {false, true}) {
                auto [x, y] = randomData(25, 3, 3);
                GaussianProcess gp(meanKind);
                gp.setData(x, y, {{0.3, 0.7, 2.0}, 1.3, 0.01});
                const std::vector<double> theta = GaussianProcess::logParams(gp.hyperparameters());
                std::vector<double> gradient;
                gp.objective(theta, &gradient, withPrior);
                QCOMPARE(gradient.size(), theta.size());
                for (size_t k = 0; k < theta.size(); ++k) {
                    auto up = theta;
                    auto down = theta;
                    up[k] += 1e-5;
                    down[k] -= 1e-5;
                    const double numeric = (gp.objective(up, nullptr, withPrior) -
                                            gp.objective(down, nullptr, withPrior)) /
                                           2e-5;
                    QVERIFY2(relativeError(gradient[k], numeric) < 1e-6,
                             qPrintable(QStringLiteral("θ[%1]: analytic %2, numeric %3")
                                            .arg(k)
                                            .arg(gradient[k])
                                            .arg(numeric)));
                }
            }
        }
    }

    void posteriorAndLogEiGradientsMatchFiniteDifferences() {
        auto [x, y] = randomData(25, 3, 5);
        GaussianProcess gp(GpMean::Quadratic);
        gp.setData(x, y, {{0.3, 0.7, 2.0}, 1.3, 0.01});
        QVERIFY(std::abs(gp.meanCoefficients().at(1)) > 1e-6); // the bowl term is exercised
        const double point[3] = {0.3, 0.5, 0.9};
        double mean = 0;
        double variance = 0;
        double meanGradient[3];
        double varianceGradient[3];
        gp.predict(point, mean, variance, meanGradient, varianceGradient);
        for (int c = 0; c < 3; ++c) {
            double up[3] = {point[0], point[1], point[2]};
            double down[3] = {point[0], point[1], point[2]};
            up[c] += 1e-6;
            down[c] -= 1e-6;
            double mUp, vUp, mDown, vDown;
            gp.predict(up, mUp, vUp);
            gp.predict(down, mDown, vDown);
            QVERIFY(relativeError(meanGradient[c], (mUp - mDown) / 2e-6) < 1e-6);
            QVERIFY(relativeError(varianceGradient[c], (vUp - vDown) / 2e-6) < 1e-6);
        }
        // log EI by mean and variance, from near the incumbent deep into the tail (u ≈ −200),
        // where EI itself underflows but its logarithm keeps a usable slope.
        for (double best : {0.5, -0.5, -2.0, -30.0, -200.0}) {
            double dMean = 0;
            double dVariance = 0;
            const double value = logExpectedImprovement(mean, variance, best, &dMean, &dVariance);
            QVERIFY(std::isfinite(value));
            const double h = 1e-7;
            const double numericMean = (logExpectedImprovement(mean + h, variance, best) -
                                        logExpectedImprovement(mean - h, variance, best)) /
                                       (2 * h);
            const double numericVariance = (logExpectedImprovement(mean, variance + h, best) -
                                            logExpectedImprovement(mean, variance - h, best)) /
                                           (2 * h);
            QVERIFY2(
                relativeError(dMean, numericMean) < 1e-5,
                qPrintable(
                    QStringLiteral("best %1: %2 vs %3").arg(best).arg(dMean).arg(numericMean)));
            QVERIFY2(relativeError(dVariance, numericVariance) < 1e-5,
                     qPrintable(QStringLiteral("best %1: %2 vs %3")
                                    .arg(best)
                                    .arg(dVariance)
                                    .arg(numericVariance)));
        }
        // log EI agrees with log of the closed form where the latter is representable.
        const double sigma = std::sqrt(variance);
        const double u = (0.2 - mean) / sigma;
        const double closed = sigma * (std::exp(-0.5 * u * u) / std::sqrt(2 * std::numbers::pi) +
                                       u * 0.5 * std::erfc(-u / std::sqrt(2.0)));
        QVERIFY(std::abs(logExpectedImprovement(mean, variance, 0.2) - std::log(closed)) < 1e-10);
    }

    void fittingImprovesLikelihoodAndPredicts() {
        std::vector<double> xs;
        std::vector<double> y;
        for (int i = 0; i < 12; ++i) {
            xs.push_back(i / 11.0);
            y.push_back(std::sin(xs.back() * 6.0));
        }
        GaussianProcess gp;
        gp.setData(column(xs), y, {{0.05}, 1.0, 0.5});
        const double before = gp.negativeLogLikelihood();
        gp.fit(column(xs), y, 3, 7);
        QVERIFY(gp.negativeLogLikelihood() < before);
        const auto [mean, variance] = gp.predict(column({0.13, 0.52, 0.87}));
        double worst = 0;
        for (size_t i = 0; i < mean.size(); ++i)
            worst = std::max(worst,
                             std::abs(mean[i] - std::sin(std::vector{0.13, 0.52, 0.87}[i] * 6.0)));
        QVERIFY2(worst < 0.05, qPrintable(QString::number(worst)));
        QVERIFY(*std::max_element(variance.begin(), variance.end()) < 0.05);

        // A warm start from this fit lands on an optimum at least as good.
        std::vector<double> unused;
        const double fitted =
            gp.objective(GaussianProcess::logParams(gp.hyperparameters()), &unused);
        gp.fit(column(xs), y, 0, 8, 50);
        QVERIFY(gp.objective(GaussianProcess::logParams(gp.hyperparameters()), &unused) <=
                fitted + 1e-9);
    }

    void lengthScalesFindTheRelevantDimension() {
        // y depends on x0 only: the fitted length scale of x1 is much longer.
        SweepRandom random(1);
        DenseMatrix x;
        std::vector<double> y;
        for (int i = 0; i < 30; ++i) {
            x.appendRow({random.uniform(), random.uniform()});
            y.push_back(std::sin(x(i, 0) * 5.0));
        }
        GaussianProcess gp;
        gp.fit(x, y, 3, 1);
        const auto& lengths = gp.hyperparameters().lengthScales;
        QVERIFY2(lengths[1] > 3 * lengths[0],
                 qPrintable(QStringLiteral("%1 %2").arg(lengths[0]).arg(lengths[1])));
    }

    void relevanceMovesWhenTheDataChangeAxis() {
        // Refitting warm from a fit that found x0 relevant, on data that vary along x1 only:
        // the relevance moves to x1, and x2 (never relevant) keeps a long length scale.
        SweepRandom random(3);
        DenseMatrix x;
        std::vector<double> alongX0;
        std::vector<double> alongX1;
        for (int i = 0; i < 30; ++i) {
            x.appendRow({random.uniform(), random.uniform(), random.uniform()});
            alongX0.push_back(std::sin(x(i, 0) * 5.0));
            alongX1.push_back(std::sin(x(i, 1) * 5.0));
        }
        GaussianProcess gp;
        gp.fit(x, alongX0, 3, 1);
        QVERIFY(gp.hyperparameters().lengthScales[0] * 3 < gp.hyperparameters().lengthScales[1]);
        gp.fit(x, alongX1, 3, 2);
        const auto& lengths = gp.hyperparameters().lengthScales;
        QVERIFY2(
            lengths[1] * 3 < lengths[0] && lengths[1] * 3 < lengths[2],
            qPrintable(QStringLiteral("%1 %2 %3").arg(lengths[0]).arg(lengths[1]).arg(lengths[2])));
    }

    void fitTakesTheBestOfItsStarts() {
        // A warm start far from the optimum (everything explained as noise) with two L-BFGS
        // steps per start: refined alone it stays poor; with fresh starts beside it (random
        // draws, the best few refined) the fit lands near the optimum.
        SweepRandom random(5);
        DenseMatrix x;
        std::vector<double> y;
        for (int i = 0; i < 15; ++i) {
            x.appendRow({random.uniform(), random.uniform()});
            y.push_back(std::sin(x(i, 0) * 15.0));
        }
        const GpHyperparameters stale{{5.0, 5.0}, 0.1, 0.9};
        std::vector<double> unused;
        auto fitted = [&](int restarts) {
            GaussianProcess gp;
            gp.setData(x, y, stale);
            gp.fit(x, y, restarts, 2, /*iterations=*/2);
            return gp.objective(GaussianProcess::logParams(gp.hyperparameters()), &unused);
        };
        GaussianProcess thorough;
        thorough.fit(x, y, 5, 3, 200);
        const double optimum =
            thorough.objective(GaussianProcess::logParams(thorough.hyperparameters()), &unused);
        const double warmOnly = fitted(0);
        const double multiStart = fitted(3);
        QVERIFY2(multiStart < optimum + 2.0 && warmOnly > optimum + 10.0,
                 qPrintable(QStringLiteral("optimum %1, warm only %2, multi-start %3")
                                .arg(optimum)
                                .arg(warmOnly)
                                .arg(multiStart)));
    }

    void reusedMatricesStartClean() {
        // The fit keeps its matrices between evaluations; a reused one must hold nothing of
        // the previous, larger problem.
        DenseMatrix m(4, 4, 7.0);
        m.reset(2, 3);
        QCOMPARE(m.rows(), 2);
        QCOMPARE(m.cols(), 3);
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 3; ++c)
                QCOMPARE(m(r, c), 0.0);
        auto kernel = [](const DenseMatrix& x) { // Matern 5/2, lengths 0.3 and 0.4, noise 1e-2
            std::vector<std::vector<double>> k(size_t(x.rows()), std::vector<double>(x.rows()));
            for (int i = 0; i < x.rows(); ++i)
                for (int j = 0; j < x.rows(); ++j)
                    k[size_t(i)][size_t(j)] =
                        matern(std::hypot((x(i, 0) - x(j, 0)) / 0.3, (x(i, 1) - x(j, 1)) / 0.4)) +
                        (i == j ? 1e-2 : 0.0);
            return k;
        };
        const auto kBig = kernel(randomData(5, 2, 4).first);
        const auto kSmall = kernel(randomData(3, 2, 5).first);
        DenseMatrix lowerBig;
        DenseMatrix lowerSmall;
        QVERIFY(choleskyDecompose(DenseMatrix::fromRows(kBig), lowerBig));
        DenseMatrix reused = lowerBig; // a factor of the larger problem, overwritten
        QVERIFY(choleskyDecompose(DenseMatrix::fromRows(kSmall), reused));
        QVERIFY(choleskyDecompose(DenseMatrix::fromRows(kSmall), lowerSmall));
        DenseMatrix inverse;
        DenseMatrix scratch;
        choleskyInverse(lowerBig, inverse, scratch);
        choleskyInverse(reused, inverse, scratch);
        const DenseMatrix fresh = choleskyInverse(lowerSmall);
        const auto expected = invert(kSmall);
        QCOMPARE(inverse.rows(), 3);
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j) {
                QCOMPARE(reused(i, j), lowerSmall(i, j));
                QVERIFY(std::abs(inverse(i, j) - expected[size_t(i)][size_t(j)]) < 1e-9);
                QCOMPARE(inverse(i, j), fresh(i, j));
            }
        }
    }

    void boxMinimizerHandlesCurvatureAndBounds() {
        // Rosenbrock's valley, unconstrained in effect: the minimum at (1, 1).
        const SmoothObjective rosenbrock = [](const std::vector<double>& x,
                                              std::vector<double>& g) {
            const double a = 1 - x[0];
            const double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        MinimizeOptions options;
        options.maxIterations = 500;
        options.valueTolerance = 0;
        options.gradientTolerance = 1e-9;
        auto result = minimizeInBox(rosenbrock, {-1.2, 1.0}, {-5, -5}, {5, 5}, options);
        QVERIFY2(std::abs(result.x[0] - 1) < 1e-4 && std::abs(result.x[1] - 1) < 1e-4,
                 qPrintable(QStringLiteral("%1 %2").arg(result.x[0]).arg(result.x[1])));
        // The same valley cut by x0 <= 0.5: the constrained minimum is (0.5, 0.25) on the bound.
        result = minimizeInBox(rosenbrock, {-1.2, 1.0}, {-5, -5}, {0.5, 5}, options);
        QVERIFY2(std::abs(result.x[0] - 0.5) < 1e-6 && std::abs(result.x[1] - 0.25) < 1e-4,
                 qPrintable(QStringLiteral("%1 %2").arg(result.x[0]).arg(result.x[1])));
        // A start outside the box is projected into it; infeasible (non-finite) regions are
        // stepped back from.
        const SmoothObjective walled = [](const std::vector<double>& x, std::vector<double>& g) {
            g[0] = 2 * (x[0] - 3);
            return x[0] > 2 ? std::numeric_limits<double>::infinity() : (x[0] - 3) * (x[0] - 3);
        };
        result = minimizeInBox(walled, {-10}, {-1}, {10}, options);
        QVERIFY(result.x[0] >= -1 && result.x[0] <= 2);
        QVERIFY(std::isfinite(result.value));
    }

    void expectedImprovementBehaves() {
        const auto ei = expectedImprovement({0.0, 0.0, 1.0}, {1e-12, 1.0, 1e-12}, 0.5);
        QVERIFY(std::abs(ei[0] - 0.5) < 1e-6); // certain improvement of 0.5
        QVERIFY(ei[1] > ei[0]);                // same mean, more uncertainty
        QVERIFY(ei[2] < 1e-9);                 // certainly worse
    }

    void eiProposesNearTheMinimumOfAKnownFunction() {
        // f(x) = (x - 0.3)^2 observed at 5 points; the EI maximum over a dense grid, and the one
        // the multi-start optimizer finds, lie near 0.3.
        const std::vector<double> xs = {0.0, 0.55, 0.7, 0.9, 1.0};
        std::vector<double> y;
        for (double v : xs)
            y.push_back((v - 0.3) * (v - 0.3));
        double mean = 0;
        for (double v : y)
            mean += v / 5;
        double sd = 0;
        for (double v : y)
            sd += (v - mean) * (v - mean) / 4;
        sd = std::sqrt(sd);
        for (double& v : y)
            v = (v - mean) / sd;
        GaussianProcess gp;
        gp.fit(column(xs), y, 3, 3);
        std::vector<double> grid;
        for (int i = 0; i <= 500; ++i)
            grid.push_back(i / 500.0);
        const auto [gridMean, gridVariance] = gp.predict(column(grid));
        const double best = *std::min_element(y.begin(), y.end());
        const auto ei = expectedImprovement(gridMean, gridVariance, best);
        const double proposal = grid[size_t(std::max_element(ei.begin(), ei.end()) - ei.begin())];
        QVERIFY2(std::abs(proposal - 0.3) < 0.12, qPrintable(QString::number(proposal)));
        const auto optimized = maximizeExpectedImprovement(gp, best, {{0.55}}, 11);
        QVERIFY2(std::abs(optimized[0] - 0.3) < 0.12, qPrintable(QString::number(optimized[0])));
        // The optimizer does at least as well as the grid.
        double m = 0;
        double v = 0;
        gp.predict(optimized.data(), m, v);
        QVERIFY(logExpectedImprovement(m, v, best) >=
                std::log(*std::max_element(ei.begin(), ei.end())) - 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestGaussianProcess)
#include "tst_gaussianprocess.moc"
