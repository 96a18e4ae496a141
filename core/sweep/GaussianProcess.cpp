#include "sweep/GaussianProcess.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <numbers>
#include <torch/linalg.h>
#include <torch/optim/adam.h>

namespace trainlab {

namespace {

constexpr double kJitter = 1e-8;
// Bounds keep the fit away from degenerate kernels (zero length scale, zero noise).
constexpr double kMinLogLength = -4.6; // 0.01
constexpr double kMaxLogLength = 2.3;  // 10
constexpr double kMinLogNoise = -13.8; // 1e-6
constexpr double kMaxLogNoise = 0.0;

torch::Tensor nll(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& logLength,
                  const torch::Tensor& logSignal, const torch::Tensor& logNoise) {
    const int64_t n = x.size(0);
    const auto k = GaussianProcess::matern52(x, x, logLength.exp(), logSignal.exp()) +
                   torch::eye(n, x.options()) * (logNoise.exp() + kJitter);
    const auto l = torch::linalg::cholesky(k);
    const auto alpha = torch::cholesky_solve(y.unsqueeze(1), l);
    return 0.5 * (y.unsqueeze(1) * alpha).sum() + l.diagonal().log().sum() +
           0.5 * double(n) * std::log(2.0 * std::numbers::pi);
}

} // namespace

torch::Tensor GaussianProcess::matern52(const torch::Tensor& a, const torch::Tensor& b,
                                        const torch::Tensor& lengthScales,
                                        const torch::Tensor& signalVariance) {
    const auto scaledA = a / lengthScales;
    const auto scaledB = b / lengthScales;
    // Squared distances, clamped before sqrt so the gradient at r = 0 stays finite.
    const auto d2 = (scaledA.unsqueeze(1) - scaledB.unsqueeze(0)).pow(2).sum(-1).clamp_min(1e-12);
    const auto r = d2.sqrt() * std::sqrt(5.0);
    return signalVariance * (1.0 + r + r.pow(2) / 3.0) * torch::exp(-r);
}

void GaussianProcess::setData(const torch::Tensor& x, const torch::Tensor& y,
                              GpHyperparameters hyper) {
    x_ = x.to(torch::kFloat64);
    y_ = y.to(torch::kFloat64).view({-1});
    hyper_ = std::move(hyper);
    if (hyper_.lengthScales.size() != size_t(x_.size(1)))
        hyper_.lengthScales.assign(size_t(x_.size(1)), 0.5);
    factorize();
}

void GaussianProcess::factorize() {
    const int64_t n = x_.size(0);
    const auto lengths = torch::tensor(hyper_.lengthScales, torch::kFloat64);
    const auto k =
        matern52(x_, x_, lengths, torch::tensor(hyper_.signalVariance, torch::kFloat64)) +
        torch::eye(n, torch::kFloat64) * (hyper_.noiseVariance + kJitter);
    cholesky_ = torch::linalg::cholesky(k);
    alpha_ = torch::cholesky_solve(y_.unsqueeze(1), cholesky_);
}

void GaussianProcess::fit(const torch::Tensor& x, const torch::Tensor& y, int restarts,
                          uint64_t seed, int iterations) {
    x_ = x.to(torch::kFloat64);
    y_ = y.to(torch::kFloat64).view({-1});
    const int64_t d = x_.size(1);
    auto generator = at::detail::createCPUGenerator(seed);
    std::vector<std::vector<double>> starts;
    if (hyper_.lengthScales.size() == size_t(d)) { // warm start from the previous fit
        std::vector<double> previous;
        for (double l : hyper_.lengthScales)
            previous.push_back(std::log(l));
        previous.push_back(std::log(hyper_.signalVariance));
        previous.push_back(std::log(hyper_.noiseVariance));
        starts.push_back(previous);
    }
    for (int r = 0; r < restarts; ++r) {
        std::vector<double> start;
        const auto u = torch::rand({d + 2}, generator, torch::kFloat64);
        for (int64_t i = 0; i < d; ++i)
            start.push_back(std::log(0.05) +
                            u[i].item<double>() * (std::log(2.0) - std::log(0.05)));
        start.push_back(std::log(0.5) + u[d].item<double>() * std::log(4.0));
        start.push_back(std::log(1e-4) +
                        u[d + 1].item<double>() * (std::log(0.1) - std::log(1e-4)));
        starts.push_back(start);
    }
    double bestNll = std::numeric_limits<double>::infinity();
    GpHyperparameters best = hyper_;
    for (const auto& start : starts) {
        auto logLength =
            torch::tensor(std::vector<double>(start.begin(), start.begin() + d), torch::kFloat64)
                .requires_grad_(true);
        auto logSignal = torch::tensor(start[size_t(d)], torch::kFloat64).requires_grad_(true);
        auto logNoise = torch::tensor(start[size_t(d) + 1], torch::kFloat64).requires_grad_(true);
        torch::optim::Adam optimizer({logLength, logSignal, logNoise},
                                     torch::optim::AdamOptions(0.05));
        double value = std::numeric_limits<double>::infinity();
        try {
            for (int i = 0; i < iterations; ++i) {
                optimizer.zero_grad();
                const auto loss = nll(x_, y_, logLength, logSignal, logNoise);
                loss.backward();
                optimizer.step();
                torch::NoGradGuard noGrad;
                logLength.clamp_(kMinLogLength, kMaxLogLength);
                logSignal.clamp_(-4.6, 4.6);
                logNoise.clamp_(kMinLogNoise, kMaxLogNoise);
            }
            torch::NoGradGuard noGrad;
            value = nll(x_, y_, logLength, logSignal, logNoise).item<double>();
        } catch (const std::exception&) {
            continue; // a start whose kernel lost positive definiteness: try the next
        }
        if (std::isfinite(value) && value < bestNll) {
            bestNll = value;
            best.lengthScales.clear();
            for (int64_t i = 0; i < d; ++i)
                best.lengthScales.push_back(std::exp(logLength[i].item<double>()));
            best.signalVariance = std::exp(logSignal.item<double>());
            best.noiseVariance = std::exp(logNoise.item<double>());
        }
    }
    if (best.lengthScales.size() != size_t(d))
        best.lengthScales.assign(size_t(d), 0.5);
    hyper_ = best;
    factorize();
}

std::pair<torch::Tensor, torch::Tensor>
GaussianProcess::predict(const torch::Tensor& points) const {
    const auto p = points.to(torch::kFloat64);
    const auto lengths = torch::tensor(hyper_.lengthScales, torch::kFloat64);
    const auto signal = torch::tensor(hyper_.signalVariance, torch::kFloat64);
    const auto kStar = matern52(x_, p, lengths, signal); // [n, m]
    const auto mean = (kStar * alpha_).sum(0);
    const auto v = torch::linalg::solve_triangular(cholesky_, kStar, /*upper=*/false, /*left=*/true,
                                                   /*unitriangular=*/false);
    const auto variance = (hyper_.signalVariance - v.pow(2).sum(0)).clamp_min(1e-12);
    return std::make_pair(mean, variance);
}

double GaussianProcess::negativeLogLikelihood() const {
    const auto lengths = torch::tensor(hyper_.lengthScales, torch::kFloat64);
    return nll(x_, y_, lengths.log(),
               torch::tensor(std::log(hyper_.signalVariance), torch::kFloat64),
               torch::tensor(std::log(hyper_.noiseVariance), torch::kFloat64))
        .item<double>();
}

torch::Tensor expectedImprovement(const torch::Tensor& mean, const torch::Tensor& variance,
                                  double best, double xi) {
    const auto sigma = variance.sqrt();
    const auto improvement = best - mean - xi;
    const auto z = improvement / sigma;
    const auto cdf = 0.5 * (1.0 + torch::erf(z / std::sqrt(2.0)));
    const auto pdf = torch::exp(-0.5 * z.pow(2)) / std::sqrt(2.0 * std::numbers::pi);
    return (improvement * cdf + sigma * pdf).clamp_min(0);
}

} // namespace trainlab
