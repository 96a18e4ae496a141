#include "sweep/DenseMatrix.h"

#include <cmath>
#include <stdexcept>

namespace trainlab {

DenseMatrix DenseMatrix::fromRows(const std::vector<std::vector<double>>& rows) {
    DenseMatrix m;
    for (const auto& r : rows)
        m.appendRow(r);
    return m;
}

void DenseMatrix::reset(int rows, int cols) {
    rows_ = rows;
    cols_ = cols;
    data_.assign(size_t(rows) * size_t(cols), 0.0);
}

void DenseMatrix::appendRow(const double* values, int count) {
    if (rows_ == 0 && data_.empty())
        cols_ = count;
    if (count != cols_)
        throw std::invalid_argument("DenseMatrix::appendRow: row length differs from cols()");
    data_.insert(data_.end(), values, values + count);
    ++rows_;
}

bool choleskyDecompose(const DenseMatrix& a, DenseMatrix& lower) {
    const int n = a.rows();
    lower.reset(n, n);
    // Cholesky–Banachiewicz, row by row: each entry is a dot product of two row prefixes, which
    // keeps the inner loop on contiguous memory.
    for (int i = 0; i < n; ++i) {
        double* li = lower.row(i);
        for (int j = 0; j <= i; ++j) {
            const double* lj = lower.row(j);
            double sum = a(i, j);
            for (int k = 0; k < j; ++k)
                sum -= li[k] * lj[k];
            if (i == j) {
                if (!(sum > 0.0) || !std::isfinite(sum))
                    return false;
                li[i] = std::sqrt(sum);
            } else {
                li[j] = sum / lj[j];
            }
        }
    }
    return true;
}

void solveLower(const DenseMatrix& lower, double* b) {
    const int n = lower.rows();
    for (int i = 0; i < n; ++i) {
        const double* li = lower.row(i);
        double sum = b[i];
        for (int k = 0; k < i; ++k)
            sum -= li[k] * b[k];
        b[i] = sum / li[i];
    }
}

void solveLowerTransposed(const DenseMatrix& lower, double* b) {
    const int n = lower.rows();
    // Column-oriented so the inner loop walks row i of L, which is column i of Lᵀ.
    for (int i = n - 1; i >= 0; --i) {
        const double* li = lower.row(i);
        b[i] /= li[i];
        const double bi = b[i];
        for (int k = 0; k < i; ++k)
            b[k] -= li[k] * bi;
    }
}

DenseMatrix choleskyInverse(const DenseMatrix& lower) {
    DenseMatrix inverse;
    DenseMatrix scratch;
    choleskyInverse(lower, inverse, scratch);
    return inverse;
}

void choleskyInverse(const DenseMatrix& lower, DenseMatrix& inverse, DenseMatrix& m) {
    const int n = lower.rows();
    // M = L⁻¹ (lower triangular), row by row: M_ij = -(Σ_{k=j}^{i-1} L_ik M_kj) / L_ii.
    m.reset(n, n);
    for (int i = 0; i < n; ++i) {
        const double* li = lower.row(i);
        double* mi = m.row(i);
        const double inv = 1.0 / li[i];
        for (int k = 0; k < i; ++k) {
            const double lik = li[k];
            if (lik == 0.0)
                continue;
            const double* mk = m.row(k);
            for (int j = 0; j <= k; ++j)
                mi[j] -= lik * mk[j];
        }
        for (int j = 0; j < i; ++j)
            mi[j] *= inv;
        mi[i] = inv;
    }
    // (L Lᵀ)⁻¹ = Mᵀ M: entry (i, j) is the dot product of columns i and j of M, accumulated
    // row by row of M to stay on contiguous memory.
    inverse.reset(n, n);
    for (int k = 0; k < n; ++k) {
        const double* mk = m.row(k);
        for (int i = 0; i <= k; ++i) {
            const double mki = mk[i];
            double* out = inverse.row(i);
            for (int j = 0; j <= i; ++j)
                out[j] += mki * mk[j];
        }
    }
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j)
            inverse(j, i) = inverse(i, j);
}

} // namespace trainlab
