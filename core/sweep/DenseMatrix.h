#pragma once

#include <cstddef>
#include <vector>

namespace trainlab {

/// A row-major matrix of doubles: the little linear algebra the sweep's Gaussian process needs
/// (kernel matrices of a few hundred rows), kept here so that core/sweep needs no tensor library.
class DenseMatrix {
public:
    DenseMatrix() = default;
    DenseMatrix(int rows, int cols, double fill = 0.0)
        : rows_(rows)
        , cols_(cols)
        , data_(size_t(rows) * size_t(cols), fill) {}
    /// One row per inner vector; every row must have the same length.
    static DenseMatrix fromRows(const std::vector<std::vector<double>>& rows);

    /// rows x cols of zeros in the storage already held where it is large enough: a matrix
    /// reused across the many kernel factorizations of a fit allocates once.
    void reset(int rows, int cols);

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    double& operator()(int r, int c) { return data_[size_t(r) * size_t(cols_) + size_t(c)]; }
    double operator()(int r, int c) const { return data_[size_t(r) * size_t(cols_) + size_t(c)]; }
    double* row(int r) { return data_.data() + size_t(r) * size_t(cols_); }
    const double* row(int r) const { return data_.data() + size_t(r) * size_t(cols_); }
    /// Appends a row of cols() values (the first row of an empty matrix sets cols()).
    void appendRow(const double* values, int count);
    void appendRow(const std::vector<double>& values) {
        appendRow(values.data(), int(values.size()));
    }

private:
    int rows_ = 0;
    int cols_ = 0;
    std::vector<double> data_;
};

/// The lower Cholesky factor L of a symmetric positive-definite `a` (only its lower triangle is
/// read), so that a = L Lᵀ. False, with `lower` unspecified, when `a` is not positive definite.
bool choleskyDecompose(const DenseMatrix& a, DenseMatrix& lower);
/// Solves L z = b in place (forward substitution).
void solveLower(const DenseMatrix& lower, double* b);
/// Solves Lᵀ z = b in place (back substitution).
void solveLowerTransposed(const DenseMatrix& lower, double* b);
/// (L Lᵀ)⁻¹, symmetric, from the Cholesky factor L.
DenseMatrix choleskyInverse(const DenseMatrix& lower);
/// The same into `inverse`, with `scratch` for L⁻¹; both keep their storage between calls.
void choleskyInverse(const DenseMatrix& lower, DenseMatrix& inverse, DenseMatrix& scratch);

} // namespace trainlab
