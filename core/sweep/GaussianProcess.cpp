#include "sweep/GaussianProcess.h"

#include "sweep/BoxMinimizer.h"
#include "sweep/SweepRandom.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace trainlab {

namespace {

const double kSqrt5 = std::sqrt(5.0);
const double kLogTwoPi = std::log(2.0 * std::numbers::pi);
// A diagonal term on top of the noise: observations closer than the kernel can resolve (the
// search converging on an optimum) would otherwise make K numerically singular.
constexpr double kJitter = 1e-9;

// Bounds on θ keep the fit away from degenerate kernels: length scales far below the spacing of
// any sweep's points or far beyond the unit cube, a vanishing signal, noise of zero.
const double kMinLogLength = std::log(0.01);
const double kMaxLogLength = std::log(20.0);
const double kMinLogSignal = std::log(0.05);
const double kMaxLogSignal = std::log(50.0);
const double kMinLogNoise = std::log(1e-6);
const double kMaxLogNoise = std::log(1.0);

// Priors (negative log densities up to a constant), for the few-observation fits where the
// likelihood alone is nearly flat. Length scales: Gamma(3, 6) in units of the unit cube (mode 0.5,
// and scales past ~2 strongly discouraged), so a parameter the first trials barely moved is not
// written off as irrelevant, which would leave its better values unexplored. Signal variance:
// Gamma(2, 0.15) (mode ~7 for standardized targets), which keeps predictions far from the data
// uncertain enough to explore. Noise: log-normal with median e⁻⁴ ≈ 0.018 of the targets'
// variance; without it a handful of points is explained as pure noise and every proposal lands
// in the same spot.
constexpr double kLengthPriorShape = 3.0;
constexpr double kLengthPriorRate = 6.0;
constexpr double kSignalPriorShape = 2.0;
constexpr double kSignalPriorRate = 0.15;
constexpr double kNoisePriorLogMean = -4.0;
constexpr double kNoisePriorLogSd = 1.0;

} // namespace

double GaussianProcess::matern52(double r) {
    const double s = kSqrt5 * r;
    return (1.0 + s + s * s / 3.0) * std::exp(-s);
}

std::vector<double> GaussianProcess::logParams(const GpHyperparameters& hyper) {
    std::vector<double> theta;
    for (double l : hyper.lengthScales)
        theta.push_back(std::log(l));
    theta.push_back(std::log(hyper.signalVariance));
    theta.push_back(std::log(hyper.noiseVariance));
    return theta;
}

double GaussianProcess::objective(const std::vector<double>& theta, std::vector<double>* gradient,
                                  bool withPrior) const {
    Workspace workspace;
    return objective(theta, gradient, withPrior, workspace);
}

double GaussianProcess::objective(const std::vector<double>& theta, std::vector<double>* gradient,
                                  bool withPrior, Workspace& workspace) const {
    const int n = x_.rows();
    const int d = x_.cols();
    std::vector<double> inverseSquared(static_cast<size_t>(d));
    for (int k = 0; k < d; ++k)
        inverseSquared[size_t(k)] = std::exp(-2.0 * theta[size_t(k)]);
    const double signal = std::exp(theta[size_t(d)]);
    const double noise = std::exp(theta[size_t(d) + 1]);

    // K and, for the gradient, the common factor of ∂K_ij/∂log ℓ_k, which is
    // σ_f² (5/3)(1 + √5 r) exp(−√5 r) · Δ_k² / ℓ_k² (the 1/r of ∂r cancels, so r = 0 is safe).
    DenseMatrix& k = workspace.kernel;
    k.reset(n, n);
    DenseMatrix& lengthFactor = workspace.lengthFactor;
    lengthFactor.reset(gradient ? n : 0, gradient ? n : 0);
    for (int i = 0; i < n; ++i) {
        const double* xi = x_.row(i);
        for (int j = 0; j < i; ++j) {
            const double* xj = x_.row(j);
            double r2 = 0;
            for (int c = 0; c < d; ++c) {
                const double delta = xi[c] - xj[c];
                r2 += delta * delta * inverseSquared[size_t(c)];
            }
            const double s = kSqrt5 * std::sqrt(r2);
            const double e = std::exp(-s);
            k(i, j) = signal * (1.0 + s + s * s / 3.0) * e;
            if (gradient)
                lengthFactor(i, j) = signal * (5.0 / 3.0) * (1.0 + s) * e;
        }
        k(i, i) = signal + noise + kJitter;
    }
    DenseMatrix& lower = workspace.lower;
    if (!choleskyDecompose(k, lower))
        return std::numeric_limits<double>::infinity();
    std::vector<double> alpha = residuals(lower, nullptr);
    double value = 0;
    for (int i = 0; i < n; ++i)
        value += 0.5 * alpha[size_t(i)] * alpha[size_t(i)] + std::log(lower(i, i));
    value += 0.5 * double(n) * kLogTwoPi;
    solveLowerTransposed(lower, alpha.data());

    if (gradient) {
        gradient->assign(size_t(d) + 2, 0.0);
        // W = K⁻¹ − ααᵀ; ∂NLL/∂θ = ½ Σ_ij W_ij ∂K_ij/∂θ, summed over the lower triangle twice.
        DenseMatrix& inverse = workspace.inverse;
        choleskyInverse(lower, inverse, workspace.scratch);
        double signalGrad = 0;
        double trace = 0;
        for (int i = 0; i < n; ++i) {
            const double* xi = x_.row(i);
            const double wii = inverse(i, i) - alpha[size_t(i)] * alpha[size_t(i)];
            trace += wii;
            signalGrad += 0.5 * wii * signal;
            for (int j = 0; j < i; ++j) {
                const double w = inverse(i, j) - alpha[size_t(i)] * alpha[size_t(j)];
                signalGrad += w * k(i, j);
                const double common = w * lengthFactor(i, j);
                const double* xj = x_.row(j);
                for (int c = 0; c < d; ++c) {
                    const double delta = xi[c] - xj[c];
                    (*gradient)[size_t(c)] += common * delta * delta * inverseSquared[size_t(c)];
                }
            }
        }
        (*gradient)[size_t(d)] = signalGrad;
        (*gradient)[size_t(d) + 1] = 0.5 * noise * trace;
    }

    if (withPrior) {
        // Gamma priors on ℓ and σ_f² and a log-normal one on σ_n², all written in θ = log of
        // the parameter (Jacobian included): Gamma(a, b) gives −(a θ − b e^θ).
        for (int c = 0; c < d; ++c) {
            const double l = std::exp(theta[size_t(c)]);
            value -= kLengthPriorShape * theta[size_t(c)] - kLengthPriorRate * l;
            if (gradient)
                (*gradient)[size_t(c)] -= kLengthPriorShape - kLengthPriorRate * l;
        }
        value -= kSignalPriorShape * theta[size_t(d)] - kSignalPriorRate * signal;
        const double z = (theta[size_t(d) + 1] - kNoisePriorLogMean) / kNoisePriorLogSd;
        value += 0.5 * z * z;
        if (gradient) {
            (*gradient)[size_t(d)] -= kSignalPriorShape - kSignalPriorRate * signal;
            (*gradient)[size_t(d) + 1] += z / kNoisePriorLogSd;
        }
    }
    return value;
}

std::vector<double> GaussianProcess::basis(const double* x) const {
    if (meanKind_ == GpMean::Zero)
        return {};
    if (meanKind_ == GpMean::Constant)
        return {1.0};
    const int d = x_.cols();
    double q = 0;
    for (int c = 0; c < d; ++c)
        q += (x[c] - 0.5) * (x[c] - 0.5);
    return {1.0, 4.0 * q / double(std::max(d, 1))};
}

std::vector<double> GaussianProcess::residuals(const DenseMatrix& lower,
                                               std::vector<double>* coefficients) const {
    // L⁻¹ (y − Hβ) with the mean coefficients β that maximize the likelihood for this K
    // (generalized least squares: β = (HᵀK⁻¹H)⁻¹ HᵀK⁻¹y). Profiling β out leaves the gradient by
    // θ unchanged (the derivative by β is zero at its optimum), so β needs no parameters of its
    // own. It matters for search: with a zero mean the model would predict the average of the
    // scores everywhere it knows nothing, and when most scores are poor and a few are excellent
    // that average looks better than most observed points, which draws the search to empty
    // corners.
    const int n = x_.rows();
    std::vector<double> b = y_;
    solveLower(lower, b.data());
    const size_t p = basis(x_.row(0)).size();
    std::vector<double> beta(p, 0.0);
    if (p > 0) {
        std::vector<std::vector<double>> a(p, std::vector<double>(size_t(n)));
        for (int i = 0; i < n; ++i) {
            const std::vector<double> h = basis(x_.row(i));
            for (size_t j = 0; j < p; ++j)
                a[j][size_t(i)] = h[j];
        }
        for (auto& column : a)
            solveLower(lower, column.data());
        // Normal equations (AᵀA) β = Aᵀb, at most 2 × 2: solved directly.
        std::vector<double> ata(p * p, 0.0);
        std::vector<double> atb(p, 0.0);
        for (size_t j = 0; j < p; ++j) {
            for (size_t k = 0; k < p; ++k)
                for (int i = 0; i < n; ++i)
                    ata[j * p + k] += a[j][size_t(i)] * a[k][size_t(i)];
            for (int i = 0; i < n; ++i)
                atb[j] += a[j][size_t(i)] * b[size_t(i)];
        }
        if (p == 1) {
            beta[0] = ata[0] > 0 ? atb[0] / ata[0] : 0.0;
        } else {
            const double ridge = 1e-9 * (ata[0] + ata[3]);
            const double det = (ata[0] + ridge) * (ata[3] + ridge) - ata[1] * ata[2];
            if (std::abs(det) > 0) {
                beta[0] = ((ata[3] + ridge) * atb[0] - ata[1] * atb[1]) / det;
                beta[1] = ((ata[0] + ridge) * atb[1] - ata[2] * atb[0]) / det;
            }
        }
        for (size_t j = 0; j < p; ++j)
            for (int i = 0; i < n; ++i)
                b[size_t(i)] -= beta[j] * a[j][size_t(i)];
    }
    if (coefficients)
        *coefficients = beta;
    return b;
}

void GaussianProcess::setData(DenseMatrix x, std::vector<double> y, GpHyperparameters hyper) {
    if (size_t(x.rows()) != y.size())
        throw std::invalid_argument("GaussianProcess::setData: x and y differ in length");
    x_ = std::move(x);
    y_ = std::move(y);
    hyper_ = std::move(hyper);
    if (hyper_.lengthScales.size() != size_t(x_.cols()))
        hyper_.lengthScales.assign(size_t(x_.cols()), 0.5);
    factorize();
}

void GaussianProcess::factorize() {
    const int n = x_.rows();
    const int d = x_.cols();
    inverseSquaredLengths_.resize(size_t(d));
    for (int c = 0; c < d; ++c)
        inverseSquaredLengths_[size_t(c)] =
            1.0 / (hyper_.lengthScales[size_t(c)] * hyper_.lengthScales[size_t(c)]);
    DenseMatrix k(n, n);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < i; ++j) {
            double r2 = 0;
            for (int c = 0; c < d; ++c) {
                const double delta = x_(i, c) - x_(j, c);
                r2 += delta * delta * inverseSquaredLengths_[size_t(c)];
            }
            k(i, j) = hyper_.signalVariance * matern52(std::sqrt(r2));
        }
    }
    // Near-duplicate points (a batch of lies, a converged search) can defeat the factorization;
    // more jitter each time until it succeeds.
    for (double jitter = kJitter; jitter < 1.0; jitter *= 100.0) {
        for (int i = 0; i < n; ++i)
            k(i, i) = hyper_.signalVariance + hyper_.noiseVariance + jitter;
        if (choleskyDecompose(k, cholesky_)) {
            alpha_ = residuals(cholesky_, &coefficients_);
            solveLowerTransposed(cholesky_, alpha_.data());
            return;
        }
    }
    throw std::runtime_error("GaussianProcess: the kernel matrix is not positive definite");
}

void GaussianProcess::fit(DenseMatrix x, std::vector<double> y, int restarts, uint64_t seed,
                          int iterations) {
    if (size_t(x.rows()) != y.size())
        throw std::invalid_argument("GaussianProcess::fit: x and y differ in length");
    const int d = x.cols();
    const bool warm = hyper_.lengthScales.size() == size_t(d);
    x_ = std::move(x);
    y_ = std::move(y);

    std::vector<double> lower(size_t(d), kMinLogLength);
    std::vector<double> upper(size_t(d), kMaxLogLength);
    lower.push_back(kMinLogSignal);
    upper.push_back(kMaxLogSignal);
    lower.push_back(kMinLogNoise);
    upper.push_back(kMaxLogNoise);

    std::vector<std::vector<double>> starts;
    if (warm)
        starts.push_back(logParams(hyper_));
    Workspace workspace;
    if (restarts > 0 || !warm) {
        // Score many random draws by the objective alone (one Cholesky each) and refine the best
        // few: cheaper than refining every start, and it finds the same basins.
        SweepRandom random(seed);
        std::vector<std::pair<double, std::vector<double>>> draws;
        const int count = 12 * std::max(1, restarts);
        for (int r = 0; r < count; ++r) {
            std::vector<double> theta;
            for (int c = 0; c < d; ++c)
                theta.push_back(random.uniform(std::log(0.05), std::log(2.0)));
            theta.push_back(random.uniform(std::log(0.5), std::log(2.0)));
            theta.push_back(random.uniform(std::log(1e-6), std::log(0.1)));
            draws.emplace_back(objective(theta, nullptr, true, workspace), std::move(theta));
        }
        std::sort(draws.begin(), draws.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (int r = 0; r < std::max(1, restarts) && r < int(draws.size()); ++r)
            starts.push_back(draws[size_t(r)].second);
    }

    const SmoothObjective f = [&](const std::vector<double>& theta, std::vector<double>& g) {
        return objective(theta, &g, true, workspace);
    };
    MinimizeOptions options;
    options.maxIterations = iterations;
    options.gradientTolerance = 1e-5;
    double bestValue = std::numeric_limits<double>::infinity();
    std::vector<double> best;
    for (const auto& start : starts) {
        const MinimizeResult result = minimizeInBox(f, start, lower, upper, options);
        if (result.value < bestValue) {
            bestValue = result.value;
            best = result.x;
        }
    }
    if (best.empty()) { // every start failed: fall back to a safe, smooth model
        hyper_.lengthScales.assign(size_t(d), 0.5);
        hyper_.signalVariance = 1.0;
        hyper_.noiseVariance = 1e-2;
    } else {
        hyper_.lengthScales.resize(size_t(d));
        for (int c = 0; c < d; ++c)
            hyper_.lengthScales[size_t(c)] = std::exp(best[size_t(c)]);
        hyper_.signalVariance = std::exp(best[size_t(d)]);
        hyper_.noiseVariance = std::exp(best[size_t(d) + 1]);
    }
    factorize();
}

void GaussianProcess::predict(const double* point, double& mean, double& variance,
                              double* meanGradient, double* varianceGradient) const {
    const int n = x_.rows();
    const int d = x_.cols();
    const double signal = hyper_.signalVariance;
    std::vector<double> kStar(static_cast<size_t>(n));
    // ∂k_i/∂x_c = −σ_f² (5/3)(1 + √5 r) exp(−√5 r) (x_c − x_ic) / ℓ_c²; kept per row for both
    // gradients.
    std::vector<double> slope(meanGradient || varianceGradient ? size_t(n) : 0);
    const std::vector<double> h = basis(point);
    mean = 0;
    for (size_t j = 0; j < h.size(); ++j)
        mean += coefficients_[j] * h[j];
    for (int i = 0; i < n; ++i) {
        const double* xi = x_.row(i);
        double r2 = 0;
        for (int c = 0; c < d; ++c) {
            const double delta = point[c] - xi[c];
            r2 += delta * delta * inverseSquaredLengths_[size_t(c)];
        }
        const double s = kSqrt5 * std::sqrt(r2);
        const double e = std::exp(-s);
        kStar[size_t(i)] = signal * (1.0 + s + s * s / 3.0) * e;
        if (!slope.empty())
            slope[size_t(i)] = -signal * (5.0 / 3.0) * (1.0 + s) * e;
        mean += kStar[size_t(i)] * alpha_[size_t(i)];
    }
    std::vector<double> v = kStar;
    solveLower(cholesky_, v.data());
    double explained = 0;
    for (double value : v)
        explained += value * value;
    const double raw = signal - explained;
    variance = std::max(raw, 1e-12);
    if (meanGradient) {
        for (int c = 0; c < d; ++c) {
            double sum = 0;
            for (int i = 0; i < n; ++i)
                sum += alpha_[size_t(i)] * slope[size_t(i)] * (point[c] - x_(i, c));
            meanGradient[c] = sum * inverseSquaredLengths_[size_t(c)];
            if (h.size() > 1)
                meanGradient[c] += coefficients_[1] * 8.0 * (point[c] - 0.5) / double(d);
        }
    }
    if (varianceGradient) {
        // ∂var/∂x = −2 (∂k*/∂x)ᵀ K⁻¹ k*, with K⁻¹ k* = L⁻ᵀ v.
        solveLowerTransposed(cholesky_, v.data());
        for (int c = 0; c < d; ++c) {
            double sum = 0;
            for (int i = 0; i < n; ++i)
                sum += v[size_t(i)] * slope[size_t(i)] * (point[c] - x_(i, c));
            varianceGradient[c] = raw > 1e-12 ? -2.0 * sum * inverseSquaredLengths_[size_t(c)] : 0;
        }
    }
}

std::pair<std::vector<double>, std::vector<double>>
GaussianProcess::predict(const DenseMatrix& points) const {
    std::vector<double> means(static_cast<size_t>(points.rows()));
    std::vector<double> variances(static_cast<size_t>(points.rows()));
    for (int r = 0; r < points.rows(); ++r)
        predict(points.row(r), means[size_t(r)], variances[size_t(r)]);
    return {std::move(means), std::move(variances)};
}

double GaussianProcess::negativeLogLikelihood() const {
    return objective(logParams(hyper_), nullptr, /*withPrior=*/false);
}

} // namespace trainlab
