// The Gaussian process of the Bayesian sweep: posterior mean and variance against a 1-D case
// worked by hand, hyperparameter fitting, and expected-improvement proposals.
#include "sweep/GaussianProcess.h"

#include <QtTest>
#include <cmath>

using namespace trainlab;

namespace {

double matern(double r) {
    const double s = std::sqrt(5.0) * r;
    return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

} // namespace

class TestGaussianProcess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void posteriorMatchesHandWorkedCase() {
        GaussianProcess gp;
        gp.setData(torch::tensor({0.0, 1.0}, torch::kFloat64).view({2, 1}),
                   torch::tensor({0.0, 1.0}, torch::kFloat64), {{1.0}, 1.0, 1e-10});
        // At x = 0.5, k* = [m(0.5), m(0.5)] and K = [[1, m(1)], [m(1), 1]]:
        // mean = m(0.5) / (1 + m(1)), variance = 1 - 2 m(0.5)^2 / (1 + m(1)).
        const double m5 = matern(0.5);
        const double m1 = matern(1.0);
        const auto [mean, variance] =
            gp.predict(torch::tensor({0.5, 0.0, 1.0}, torch::kFloat64).view({3, 1}));
        QVERIFY(std::abs(mean[0].item<double>() - m5 / (1 + m1)) < 1e-6);
        QVERIFY(std::abs(variance[0].item<double>() - (1 - 2 * m5 * m5 / (1 + m1))) < 1e-6);
        // At the observations the posterior interpolates with (almost) no uncertainty.
        QVERIFY(std::abs(mean[1].item<double>()) < 1e-6);
        QVERIFY(std::abs(mean[2].item<double>() - 1.0) < 1e-6);
        QVERIFY(variance[1].item<double>() < 1e-6);
    }

    void fittingImprovesLikelihoodAndPredicts() {
        const auto x = torch::linspace(0, 1, 12, torch::kFloat64).view({12, 1});
        const auto y = torch::sin(x.view({-1}) * 6.0);
        GaussianProcess gp;
        gp.setData(x, y, {{0.05}, 1.0, 0.5});
        const double before = gp.negativeLogLikelihood();
        gp.fit(x, y, 3, 7);
        QVERIFY(gp.negativeLogLikelihood() < before);
        const auto test = torch::tensor({0.13, 0.52, 0.87}, torch::kFloat64).view({3, 1});
        const auto [mean, variance] = gp.predict(test);
        const auto truth = torch::sin(test.view({-1}) * 6.0);
        QVERIFY2((mean - truth).abs().max().item<double>() < 0.05,
                 qPrintable(QString::number((mean - truth).abs().max().item<double>())));
        QVERIFY(variance.max().item<double>() < 0.05);
    }

    void lengthScalesFindTheRelevantDimension() {
        // y depends on x0 only: the fitted length scale of x1 is much longer.
        auto x = torch::rand({30, 2}, torch::kFloat64);
        const auto y = torch::sin(x.select(1, 0) * 5.0);
        GaussianProcess gp;
        gp.fit(x, y, 3, 1);
        const auto& lengths = gp.hyperparameters().lengthScales;
        QVERIFY2(lengths[1] > 3 * lengths[0],
                 qPrintable(QStringLiteral("%1 %2").arg(lengths[0]).arg(lengths[1])));
    }

    void expectedImprovementBehaves() {
        const auto mean = torch::tensor({0.0, 0.0, 1.0}, torch::kFloat64);
        const auto variance = torch::tensor({1e-12, 1.0, 1e-12}, torch::kFloat64);
        const auto ei = expectedImprovement(mean, variance, 0.5);
        QVERIFY(std::abs(ei[0].item<double>() - 0.5) < 1e-6); // certain improvement of 0.5
        QVERIFY(ei[1].item<double>() > ei[0].item<double>()); // same mean, more uncertainty
        QVERIFY(ei[2].item<double>() < 1e-9);                 // certainly worse
    }

    void eiProposesNearTheMinimumOfAKnownFunction() {
        // f(x) = (x - 0.3)^2 observed at 5 points; the EI maximum over a dense grid lies near 0.3.
        const auto x = torch::tensor({0.0, 0.55, 0.7, 0.9, 1.0}, torch::kFloat64).view({5, 1});
        auto y = (x.view({-1}) - 0.3).pow(2);
        const auto standardized = (y - y.mean()) / y.std();
        GaussianProcess gp;
        gp.fit(x, standardized, 3, 3);
        const auto grid = torch::linspace(0, 1, 501, torch::kFloat64).view({501, 1});
        const auto [mean, variance] = gp.predict(grid);
        const auto ei = expectedImprovement(mean, variance, standardized.min().item<double>());
        const double proposal = grid[ei.argmax().item<int64_t>()][0].item<double>();
        QVERIFY2(std::abs(proposal - 0.3) < 0.12, qPrintable(QString::number(proposal)));
    }
};

QTEST_GUILESS_MAIN(TestGaussianProcess)
#include "tst_gaussianprocess.moc"
