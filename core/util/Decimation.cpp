#include "util/Decimation.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace trainlab {

namespace {

/// Column arithmetic hoisted out of the loops: the scale is worked out once.
struct ColumnMap {
    double lower;
    double scale; ///< columns per unit of x; 0 for an empty range
    double last;  ///< the last column, as a double for the clamp

    explicit ColumnMap(const PixelColumns& columns)
        : lower(columns.xLower)
        , scale(columns.xUpper > columns.xLower
                    ? double(std::max(1, columns.count)) / (columns.xUpper - columns.xLower)
                    : 0.0)
        , last(double(std::max(1, columns.count) - 1)) {}

    // Monotone in x (a subtraction, a product by a positive number and a floor each keep
    // order), which the search for a column's end relies on.
    int operator()(double x) const { return int(std::clamp((x - lower) * scale, 0.0, last)); }
};

/// The end of the column that starts at `begin`: the first index in (begin, end) whose
/// column is past `column`, else `end`. Galloping, then bisecting: O(log k) for k points.
qsizetype columnEnd(std::span<const double> xs, qsizetype begin, qsizetype end, int column,
                    const ColumnMap& columnOf) {
    qsizetype inside = begin; // known to be in the column
    qsizetype step = 1;
    qsizetype probe = begin + 1;
    while (probe < end && columnOf(xs[size_t(probe)]) == column) {
        inside = probe;
        step *= 2;
        probe = begin + step;
    }
    qsizetype outside = std::min(probe, end); // past the column, or the end
    while (outside - inside > 1) {
        const qsizetype middle = inside + (outside - inside) / 2;
        if (columnOf(xs[size_t(middle)]) == column)
            inside = middle;
        else
            outside = middle;
    }
    return outside;
}

/// Appends the indices of one column [begin, end) that carry its shape.
void keepColumn(std::span<const double> ys, qsizetype begin, qsizetype end,
                std::vector<qsizetype>& keep) {
    if (end - begin <= 4) {
        for (qsizetype i = begin; i < end; ++i)
            keep.push_back(i);
        return;
    }
    qsizetype lowest = -1;
    qsizetype highest = -1;
    qsizetype nonFinite = -1;
    double low = 0;
    double high = 0;
    for (qsizetype i = begin; i < end; ++i) {
        const double y = ys[size_t(i)];
        if (!std::isfinite(y)) {
            if (nonFinite < 0)
                nonFinite = i;
            continue;
        }
        if (lowest < 0 || y < low) {
            low = y;
            lowest = i;
        }
        if (highest < 0 || y > high) {
            high = y;
            highest = i;
        }
    }
    std::array<qsizetype, 5> picked = {begin, lowest, highest, nonFinite, end - 1};
    std::sort(picked.begin(), picked.end());
    qsizetype previous = -1;
    for (const qsizetype i : picked) {
        if (i >= 0 && i != previous)
            keep.push_back(i);
        previous = i;
    }
}

} // namespace

int PixelColumns::columnOf(double x) const {
    return ColumnMap(*this)(x);
}

void decimate(std::span<const double> xs, std::span<const double> ys, const PixelColumns& columns,
              std::vector<qsizetype>& keep) {
    if (std::isnan(columns.xLower) || std::isnan(columns.xUpper) || xs.empty())
        return;
    PixelColumns range = columns;
    if (range.xUpper < range.xLower)
        std::swap(range.xLower, range.xUpper);
    const auto n = qsizetype(std::min(xs.size(), ys.size()));
    const auto xEnd = xs.begin() + n;
    const qsizetype first = std::lower_bound(xs.begin(), xEnd, range.xLower) - xs.begin();
    const qsizetype end = std::upper_bound(xs.begin() + first, xEnd, range.xUpper) - xs.begin();
    if (first > 0)
        keep.push_back(first - 1);
    const ColumnMap columnOf(range);
    for (qsizetype begin = first; begin < end;) {
        const int column = columnOf(xs[size_t(begin)]);
        const qsizetype stop = columnEnd(xs, begin, end, column, columnOf);
        keepColumn(ys, begin, stop, keep);
        begin = stop;
    }
    if (end < n)
        keep.push_back(end);
}

} // namespace trainlab
