#pragma once

#include "sweep/GaussianProcess.h"

#include <cstdint>
#include <vector>

namespace trainlab {

/// Expected improvement below `best` (minimization) for posterior means and variances, with
/// exploration margin `xi`.
std::vector<double> expectedImprovement(const std::vector<double>& mean,
                                        const std::vector<double>& variance, double best,
                                        double xi = 0.0);

/// log EI below `best`, accurate far into the tail where EI itself underflows to 0 (so an
/// optimizer still sees a slope there), with its derivatives by the mean and the variance when
/// the outputs are non-null. See Ament et al., "Unexpected Improvements to Expected Improvement
/// for Bayesian Optimization", NeurIPS 2023.
double logExpectedImprovement(double mean, double variance, double best, double* dMean = nullptr,
                              double* dVariance = nullptr);

struct AcquisitionOptions {
    int rawSamples = 1024; ///< scrambled Sobol candidates scored before refining
    int localSamples = 32; ///< Gaussian perturbations around each anchor
    int starts = 8;        ///< best candidates refined by L-BFGS-B
    int iterations = 60;   ///< L-BFGS-B iterations per start
};

/// The point of the unit cube that maximizes log EI of `gp` below `best`: candidates from a
/// scrambled Sobol design plus perturbations of `anchors` (the best points observed so far, where
/// improvement is most likely to be local), then box-constrained L-BFGS from the best distinct
/// few of them, with the analytic gradient of log EI.
std::vector<double> maximizeExpectedImprovement(const GaussianProcess& gp, double best,
                                                const std::vector<std::vector<double>>& anchors,
                                                uint64_t seed,
                                                const AcquisitionOptions& options = {});

} // namespace trainlab
