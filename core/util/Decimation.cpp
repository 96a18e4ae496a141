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
/// column is past `column`, else `end`. From `guess` (where evenly spaced x values would put
/// it), galloping towards the end, then bisecting: O(1) reads where the guess is right,
/// O(log k) where it is off by k.
qsizetype columnEnd(std::span<const double> xs, qsizetype begin, qsizetype end, int column,
                    const ColumnMap& columnOf, qsizetype guess) {
    const auto inColumn = [&](qsizetype i) { return columnOf(xs[size_t(i)]) == column; };
    qsizetype inside = begin; // known to be in the column
    qsizetype outside = end;  // known to be past it, or the end
    const qsizetype start = std::clamp(guess, begin + 1, end);
    if (start < end && inColumn(start)) {
        inside = start;
        for (qsizetype step = 1; inside + step < end; step *= 2) {
            if (!inColumn(inside + step)) {
                outside = inside + step;
                break;
            }
            inside += step;
        }
    } else {
        outside = start;
        for (qsizetype step = 1; outside - step > begin; step *= 2) {
            if (inColumn(outside - step)) {
                inside = outside - step;
                break;
            }
            outside -= step;
        }
    }
    while (outside - inside > 1) {
        const qsizetype middle = inside + (outside - inside) / 2;
        if (inColumn(middle))
            inside = middle;
        else
            outside = middle;
    }
    return outside;
}

constexpr qsizetype kFirstBlock = 16; ///< smaller stretches are read: as fast as a lookup
constexpr std::uint32_t kNone = 0xffffffffu;

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

using Block = ExtremesIndex::Block;

constexpr Block kEmptyBlock{std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(), kNone, kNone, kNone};

Block blockOf(std::span<const double> ys, qsizetype begin, qsizetype end) {
    const Extremes e = scan(ys, begin, end);
    Block block = kEmptyBlock;
    if (e.lowest >= 0) {
        block.lowest = ys[size_t(e.lowest)];
        block.highest = ys[size_t(e.highest)];
    }
    block.lowestAt = toStored(e.lowest);
    block.highestAt = toStored(e.highest);
    block.nonFiniteAt = toStored(e.nonFinite);
    return block;
}

/// Folds `next` (later in the series) into `sum`: strictly smaller or larger values only, so
/// the first of equal extremes stays.
void combine(Block& sum, const Block& next) {
    if (next.lowest < sum.lowest) {
        sum.lowest = next.lowest;
        sum.lowestAt = next.lowestAt;
    }
    if (next.highest > sum.highest) {
        sum.highest = next.highest;
        sum.highestAt = next.highestAt;
    }
    if (sum.nonFiniteAt == kNone)
        sum.nonFiniteAt = next.nonFiniteAt;
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
    std::vector<Block> first;
    first.reserve(size_t(n / kFirstBlock));
    for (qsizetype begin = 0; begin + kFirstBlock <= n; begin += kFirstBlock)
        first.push_back(blockOf(ys, begin, begin + kFirstBlock));
    levels_.push_back(std::move(first));
    while (levels_.back().size() >= 2) {
        const std::vector<Block>& below = levels_.back();
        std::vector<Block> next;
        next.reserve(below.size() / 2);
        for (size_t pair = 0; pair + 1 < below.size(); pair += 2) {
            Block sum = below[pair];
            combine(sum, below[pair + 1]);
            next.push_back(sum);
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
    Block found = blockOf(ys, begin, at);
    while (at + kFirstBlock <= end) {
        size_t level = 0;
        while (level + 1 < levels_.size() && at % (kFirstBlock << (level + 1)) == 0 &&
               at + (kFirstBlock << (level + 1)) <= end)
            ++level;
        const qsizetype size = kFirstBlock << level;
        const size_t block = size_t(at / size);
        if (block >= levels_[level].size())
            break; // past the last whole block: the rest is read below
        combine(found, levels_[level][block]);
        at += size;
    }
    combine(found, blockOf(ys, at, end));
    return {fromStored(found.lowestAt), fromStored(found.highestAt), fromStored(found.nonFiniteAt)};
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
    // Points a unit of x, were they evenly spaced: where each column's search starts.
    const double density =
        n > 1 && xs[size_t(n - 1)] > xs[0] ? double(n - 1) / (xs[size_t(n - 1)] - xs[0]) : 0.0;
    for (qsizetype begin = first; begin < end;) {
        const int column = columnOf(xs[size_t(begin)]);
        qsizetype guess = begin + 1;
        if (density > 0 && columnOf.scale > 0) {
            const double columnStop = columnOf.lower + double(column + 1) / columnOf.scale;
            const double ahead = std::ceil((columnStop - xs[size_t(begin)]) * density);
            guess = ahead < double(end - begin) ? begin + std::max<qsizetype>(1, qsizetype(ahead))
                                                : end;
        }
        const qsizetype stop = columnEnd(xs, begin, end, column, columnOf, guess);
        keepColumn(ys, begin, stop, keep, index);
        begin = stop;
    }
    if (end < n)
        keep.push_back(end);
}

} // namespace trainlab
