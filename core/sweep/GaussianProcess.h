#pragma once

#include <torch/types.h>
#include <vector>

namespace trainlab {

/// Hyperparameters of a Matern 5/2 kernel with one length scale per input dimension.
struct GpHyperparameters {
    std::vector<double> lengthScales;
    double signalVariance = 1.0;
    double noiseVariance = 1e-4;
};

/// A Gaussian-process regressor on LibTorch tensors (float64): Matern 5/2 kernel with
/// automatic relevance determination, Cholesky solves, and hyperparameters fitted by maximizing
/// the log marginal likelihood with autograd from several starts. Inputs are expected in the
/// unit cube and targets standardized (the sweep strategy does both).
class GaussianProcess {
public:
    /// Uses fixed hyperparameters (for tests and for warm starts).
    void setData(const torch::Tensor& x, const torch::Tensor& y, GpHyperparameters hyper);
    /// Fits the hyperparameters to (x, y): `restarts` random starts plus the previous fit.
    void fit(const torch::Tensor& x, const torch::Tensor& y, int restarts = 3, uint64_t seed = 0,
             int iterations = 80);
    /// Posterior mean and variance at `points` [m, d].
    std::pair<torch::Tensor, torch::Tensor> predict(const torch::Tensor& points) const;
    const GpHyperparameters& hyperparameters() const { return hyper_; }
    /// Negative log marginal likelihood of the data under the current hyperparameters.
    double negativeLogLikelihood() const;

    /// The kernel matrix between a [n, d] and b [m, d].
    static torch::Tensor matern52(const torch::Tensor& a, const torch::Tensor& b,
                                  const torch::Tensor& lengthScales,
                                  const torch::Tensor& signalVariance);

private:
    void factorize();

    torch::Tensor x_;
    torch::Tensor y_;
    GpHyperparameters hyper_;
    torch::Tensor cholesky_; ///< of K + noise I
    torch::Tensor alpha_;    ///< (K + noise I)^-1 y
};

/// Expected improvement below `best` (minimization) for a posterior mean and variance, with
/// exploration margin `xi`.
torch::Tensor expectedImprovement(const torch::Tensor& mean, const torch::Tensor& variance,
                                  double best, double xi = 0.0);

} // namespace trainlab
