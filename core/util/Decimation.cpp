#include "util/Decimation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

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

constexpr qsizetype kFirstBlock = 16; ///< smaller stretches are read: as fast as a lookup
constexpr std::uint32_t kNone = 0xffffffffu;

/// Folds `next` (later in the series) into `sum`, keeping the first of equal extremes.
void combine(Extremes& sum, const Extremes& next, std::span<const double> ys) {
    if (next.lowest >= 0 && (sum.lowest < 0 || ys[size_t(next.lowest)] < ys[size_t(sum.lowest)]))
        sum.lowest = next.lowest;
    if (next.highest >= 0 &&
        (sum.highest < 0 || ys[size_t(next.highest)] > ys[size_t(sum.highest)]))
        sum.highest = next.highest;
    if (sum.nonFinite < 0)
        sum.nonFinite = next.nonFinite;
}

Extremes scan(std::span<const double> ys, qsizetype begin, qsizetype end) {
    // Two passes over values that stay in the cache: the finite min and max first, in a loop
    // the compiler turns into SIMD min/max (a non-finite value counts as +inf or -inf there),
    // then the first index of each. Several times faster than one branchy pass.
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const double* y = ys.data();
    double low = kInf;
    double high = -kInf;
    bool anyNonFinite = false;
    for (qsizetype i = begin; i < end; ++i) {
        const double v = y[i];
        const bool finite = v - v == 0.0; // false for NaN and the infinities
        anyNonFinite |= !finite;
        const double forLow = finite ? v : kInf;
        const double forHigh = finite ? v : -kInf;
        low = forLow < low ? forLow : low;
        high = forHigh > high ? forHigh : high;
    }
    Extremes found;
    if (low != kInf) { // some finite value: low and high are both values of the column
        qsizetype i = begin;
        while (y[i] != low)
            ++i;
        found.lowest = i;
        i = begin;
        while (y[i] != high)
            ++i;
        found.highest = i;
    }
    if (anyNonFinite) {
        qsizetype i = begin;
        while (y[i] - y[i] == 0.0)
            ++i;
        found.nonFinite = i;
    }
    return found;
}

qsizetype fromStored(std::uint32_t index) {
    return index == kNone ? -1 : qsizetype(index);
}

std::uint32_t toStored(qsizetype index) {
    return index < 0 ? kNone : std::uint32_t(index);
}

/// Appends the indices of one column [begin, end) that carry its shape.
void keepColumn(std::span<const double> ys, qsizetype begin, qsizetype end,
                std::vector<qsizetype>& keep, const ExtremesIndex* index) {
    if (end - begin <= 4) {
        for (qsizetype i = begin; i < end; ++i)
            keep.push_back(i);
        return;
    }
    const Extremes found =
        index && end - begin > 4 * kFirstBlock ? index->find(ys, begin, end) : scan(ys, begin, end);
    std::array<qsizetype, 5> picked = {begin, found.lowest, found.highest, found.nonFinite,
                                       end - 1};
    std::sort(picked.begin(), picked.end());
    qsizetype previous = -1;
    for (const qsizetype i : picked) {
        if (i >= 0 && i != previous)
            keep.push_back(i);
        previous = i;
    }
}

} // namespace

ExtremesIndex::ExtremesIndex(std::span<const double> ys) {
    const auto n = qsizetype(ys.size());
    if (n < 2 * kFirstBlock || n >= qsizetype(kNone))
        return; // short enough to read; or too long for 32-bit indices: read as well
    Level first;
    for (qsizetype begin = 0; begin + kFirstBlock <= n; begin += kFirstBlock) {
        const Extremes e = scan(ys, begin, begin + kFirstBlock);
        first.lowest.push_back(toStored(e.lowest));
        first.highest.push_back(toStored(e.highest));
        first.nonFinite.push_back(toStored(e.nonFinite));
    }
    levels_.push_back(std::move(first));
    while (levels_.back().lowest.size() >= 2) {
        const Level& below = levels_.back();
        Level next;
        for (size_t pair = 0; pair + 1 < below.lowest.size(); pair += 2) {
            Extremes sum{fromStored(below.lowest[pair]), fromStored(below.highest[pair]),
                         fromStored(below.nonFinite[pair])};
            combine(sum,
                    {fromStored(below.lowest[pair + 1]), fromStored(below.highest[pair + 1]),
                     fromStored(below.nonFinite[pair + 1])},
                    ys);
            next.lowest.push_back(toStored(sum.lowest));
            next.highest.push_back(toStored(sum.highest));
            next.nonFinite.push_back(toStored(sum.nonFinite));
        }
        levels_.push_back(std::move(next));
    }
}

Extremes ExtremesIndex::find(std::span<const double> ys, qsizetype begin, qsizetype end) const {
    if (levels_.empty())
        return scan(ys, begin, end);
    // The values up to the first block boundary, whole blocks as large as alignment allows,
    // then the values after the last whole block: in series order, so ties go to the first.
    qsizetype at = std::min(end, (begin + kFirstBlock - 1) / kFirstBlock * kFirstBlock);
    Extremes found = scan(ys, begin, at);
    while (at + kFirstBlock <= end) {
        size_t level = 0;
        while (level + 1 < levels_.size() && at % (kFirstBlock << (level + 1)) == 0 &&
               at + (kFirstBlock << (level + 1)) <= end)
            ++level;
        const qsizetype size = kFirstBlock << level;
        const size_t block = size_t(at / size);
        const Level& l = levels_[level];
        if (block >= l.lowest.size())
            break; // past the last whole block: the rest is read below
        combine(found,
                {fromStored(l.lowest[block]), fromStored(l.highest[block]),
                 fromStored(l.nonFinite[block])},
                ys);
        at += size;
    }
    combine(found, scan(ys, at, end), ys);
    return found;
}

int PixelColumns::columnOf(double x) const {
    return ColumnMap(*this)(x);
}

void decimate(std::span<const double> xs, std::span<const double> ys, const PixelColumns& columns,
              std::vector<qsizetype>& keep, const ExtremesIndex* index) {
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
        keepColumn(ys, begin, stop, keep, index);
        begin = stop;
    }
    if (end < n)
        keep.push_back(end);
}

} // namespace trainlab
