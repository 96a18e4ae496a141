#pragma once

#include "sweep/DenseMatrix.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace trainlab {

/// Hyperparameters of a Matern 5/2 kernel with one length scale per input dimension.
struct GpHyperparameters {
    std::vector<double> lengthScales;
    double signalVariance = 1.0;
    double noiseVariance = 1e-4;
};

/// The GP's prior mean: zero, a constant, or a constant plus an isotropic quadratic about the
/// centre of the unit cube, c₀ + c₁ · (4/d) Σ (x_k − ½)²; the coefficients are fitted with the
/// hyperparameters by generalized least squares.
enum class GpMean { Invalid, Zero, Constant, Quadratic };

/// A Gaussian-process regressor in plain C++: Matern 5/2 kernel with automatic relevance
/// determination, Cholesky solves, and hyperparameters fitted by maximizing the log marginal
/// likelihood plus priors on the length scales, signal and noise, with its analytic gradient and
/// L-BFGS-B, from the previous fit and from the best of many random starts. Inputs are expected
/// in the unit cube and targets standardized (the sweep strategy does both).
class GaussianProcess {
public:
    /// `mean`: the prior mean; with Constant (the default) far from the data the model predicts a
    /// typical score rather than zero.
    explicit GaussianProcess(GpMean mean = GpMean::Constant)
        : meanKind_(mean) {}

    /// Uses fixed hyperparameters (for tests and for the constant liar's conditioned copies).
    /// Length scales of the wrong size are reset to 0.5.
    void setData(DenseMatrix x, std::vector<double> y, GpHyperparameters hyper);
    /// Fits the hyperparameters to (x, y): the previous fit (when its dimension matches) and
    /// `restarts` starts chosen among random draws, each refined by at most `iterations` L-BFGS
    /// steps; the one with the best penalized likelihood wins.
    void fit(DenseMatrix x, std::vector<double> y, int restarts = 3, uint64_t seed = 0,
             int iterations = 100);

    /// Posterior mean and variance at each row of `points`.
    std::pair<std::vector<double>, std::vector<double>> predict(const DenseMatrix& points) const;
    /// Posterior mean and variance at one point; with non-null gradient outputs (d values each)
    /// also their gradients with respect to the point.
    void predict(const double* point, double& mean, double& variance,
                 double* meanGradient = nullptr, double* varianceGradient = nullptr) const;

    const GpHyperparameters& hyperparameters() const { return hyper_; }
    /// The fitted constant of the prior mean (0 with GpMean::Zero).
    double priorMean() const { return coefficients_.empty() ? 0.0 : coefficients_[0]; }
    /// The fitted coefficients of the prior mean's basis (1; (4/d) Σ (x_k − ½)²).
    const std::vector<double>& meanCoefficients() const { return coefficients_; }
    const DenseMatrix& inputs() const { return x_; }
    const std::vector<double>& targets() const { return y_; }
    /// Negative log marginal likelihood of the data under the current hyperparameters.
    double negativeLogLikelihood() const;

    /// The quantity `fit` minimizes, at log-parameters θ = (log ℓ_1..log ℓ_d, log σ_f², log σ_n²):
    /// the negative log marginal likelihood, plus the prior's negative log density when
    /// `withPrior`. With `gradient` non-null also its analytic gradient,
    /// ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ) for the likelihood part. +inf when K is not positive definite.
    double objective(const std::vector<double>& logParams, std::vector<double>* gradient,
                     bool withPrior = true) const;
    /// θ for `hyper`, in objective()'s layout.
    static std::vector<double> logParams(const GpHyperparameters& hyper);

    /// The Matern 5/2 correlation at scaled distance r: (1 + √5 r + 5r²/3) exp(−√5 r).
    static double matern52(double r);

private:
    /// The n x n matrices of one objective evaluation, kept across the hundreds of evaluations
    /// of a fit: allocating them afresh each time made the heap grow and shrink on every call,
    /// and the page faults cost more than the arithmetic.
    struct Workspace {
        DenseMatrix kernel;
        DenseMatrix lengthFactor;
        DenseMatrix lower;
        DenseMatrix inverse;
        DenseMatrix scratch;
    };
    double objective(const std::vector<double>& logParams, std::vector<double>* gradient,
                     bool withPrior, Workspace& workspace) const;
    void factorize();
    std::vector<double> basis(const double* x) const;
    std::vector<double> residuals(const DenseMatrix& lower,
                                  std::vector<double>* coefficients) const;

    GpMean meanKind_;
    DenseMatrix x_;
    std::vector<double> y_;
    GpHyperparameters hyper_;
    std::vector<double> inverseSquaredLengths_;
    DenseMatrix cholesky_;             ///< of K + (noise + jitter) I
    std::vector<double> alpha_;        ///< (K + noise I)⁻¹ (y − mean_)
    std::vector<double> coefficients_; ///< of the prior mean's basis
};

} // namespace trainlab
