#include "util/Decimation.h"

#include <algorithm>
#include <cmath>
#include <limits>

// Packed compares where the compiler offers SSE2 (every x86-64) and GCC's builtins.
#if defined(__SSE2__) && defined(__GNUC__)
#define TRAINLAB_PACKED_SCAN 1
#include <emmintrin.h>
#endif

namespace trainlab {

namespace {

/// Where a column has its extremes: the first smallest and the first largest finite value and
/// the first non-finite one; -1 where there is none.
struct Extremes {
    qsizetype lowest = -1;
    qsizetype highest = -1;
    qsizetype nonFinite = -1;
};

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

/// The smallest and largest of y[begin, end) when every value is finite; false if one is not
/// (NaN or an infinity), and then `low` and `high` mean nothing.
bool finiteRange(const double* y, qsizetype begin, qsizetype end, double& low, double& high) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    low = kInf;
    high = -kInf;
    bool nan = false;
    qsizetype i = begin;
#if defined(TRAINLAB_PACKED_SCAN)
    // Packed min/max (two doubles a register; GCC does not vectorize a min/max reduction of
    // doubles without -ffast-math), four independent chains a side so they run at their
    // throughput, not their latency. minpd(v, acc) keeps acc when v is NaN, which the
    // unordered compares catch; an infinity shows in the result itself.
    if (end - begin >= 16) {
        __m128d low0 = _mm_set1_pd(kInf), low1 = low0, low2 = low0, low3 = low0;
        __m128d high0 = _mm_set1_pd(-kInf), high1 = high0, high2 = high0, high3 = high0;
        __m128d unordered = _mm_setzero_pd();
        for (; i + 8 <= end; i += 8) {
            const __m128d a = _mm_loadu_pd(y + i);
            const __m128d b = _mm_loadu_pd(y + i + 2);
            const __m128d c = _mm_loadu_pd(y + i + 4);
            const __m128d d = _mm_loadu_pd(y + i + 6);
            low0 = _mm_min_pd(a, low0);
            low1 = _mm_min_pd(b, low1);
            low2 = _mm_min_pd(c, low2);
            low3 = _mm_min_pd(d, low3);
            high0 = _mm_max_pd(a, high0);
            high1 = _mm_max_pd(b, high1);
            high2 = _mm_max_pd(c, high2);
            high3 = _mm_max_pd(d, high3);
            unordered =
                _mm_or_pd(unordered, _mm_or_pd(_mm_cmpunord_pd(a, b), _mm_cmpunord_pd(c, d)));
        }
        low0 = _mm_min_pd(_mm_min_pd(low0, low1), _mm_min_pd(low2, low3));
        high0 = _mm_max_pd(_mm_max_pd(high0, high1), _mm_max_pd(high2, high3));
        low = std::min(_mm_cvtsd_f64(low0), _mm_cvtsd_f64(_mm_unpackhi_pd(low0, low0)));
        high = std::max(_mm_cvtsd_f64(high0), _mm_cvtsd_f64(_mm_unpackhi_pd(high0, high0)));
        nan = _mm_movemask_pd(unordered) != 0;
    }
#endif
    for (; i < end; ++i) {
        const double v = y[i];
        low = v < low ? v : low;
        high = v > high ? v : high;
        nan |= v != v;
    }
    return !nan && low != -kInf && high != kInf && low != kInf;
}

/// The first index in [begin, end) where y equals `value`, which must occur there.
qsizetype firstEqual(const double* y, qsizetype begin, qsizetype end, double value) {
    qsizetype i = begin;
#if defined(TRAINLAB_PACKED_SCAN)
    // Four values a step as two packed compares; the bit of the first hit says where.
    const __m128d wanted = _mm_set1_pd(value);
    for (; i + 4 <= end; i += 4) {
        const int hits = _mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(y + i), wanted)) |
                         _mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(y + i + 2), wanted)) << 2;
        if (hits != 0)
            return i + __builtin_ctz(unsigned(hits));
    }
#endif
    while (y[i] != value)
        ++i;
    return i;
}

Extremes scan(std::span<const double> ys, qsizetype begin, qsizetype end) {
    // Two passes over values that stay in the cache: the min and max first, in packed
    // compares while every value is finite, then the first index of each.
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const double* y = ys.data();
    double low = kInf;
    double high = -kInf;
    bool anyNonFinite = false;
    if (!finiteRange(y, begin, end, low, high)) {
        // Some value is NaN or infinite (or there is none): it counts as +inf for the min
        // and -inf for the max.
        low = kInf;
        high = -kInf;
        for (qsizetype i = begin; i < end; ++i) {
            const double v = y[i];
            const bool finite = v - v == 0.0;
            anyNonFinite |= !finite;
            const double forLow = finite ? v : kInf;
            const double forHigh = finite ? v : -kInf;
            low = forLow < low ? forLow : low;
            high = forHigh > high ? forHigh : high;
        }
    }
    Extremes found;
    if (low != kInf) { // some finite value: low and high are both values of the column
        found.lowest = firstEqual(y, begin, end, low);
        found.highest = firstEqual(y, begin, end, high);
    }
    if (anyNonFinite) {
        qsizetype i = begin;
        while (y[i] - y[i] == 0.0)
            ++i;
        found.nonFinite = i;
    }
    return found;
}

void prefetch(const double* at) {
#if defined(__GNUC__)
    __builtin_prefetch(at);
#else
    (void)at;
#endif
}

/// Appends the indices of one column [begin, end) that carry its shape.
void keepColumn(std::span<const double> ys, qsizetype begin, qsizetype end,
                std::vector<qsizetype>& keep) {
    if (end - begin <= 4) {
        for (qsizetype i = begin; i < end; ++i)
            keep.push_back(i);
        return;
    }
    const Extremes found = scan(ys, begin, end);
    // In index order: the first, the extremes and a non-finite value in between (sorted by a
    // few compares: std::sort costs more than the column's search), the last.
    qsizetype a = found.lowest;
    qsizetype b = found.highest;
    qsizetype c = found.nonFinite;
    if (a > b)
        std::swap(a, b);
    if (b > c)
        std::swap(b, c);
    if (a > b)
        std::swap(a, b);
    qsizetype previous = begin;
    keep.push_back(begin);
    for (const qsizetype i : {a, b, c, end - 1}) {
        if (i > previous) { // -1 (none) and repeats are skipped
            keep.push_back(i);
            previous = i;
        }
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
        // The search reads x a column apart, too far apart for the hardware to see a stream:
        // a hint four columns ahead saves 5-10 % of the time here.
        const qsizetype perColumn = guess - begin;
        if (begin + 4 * perColumn < end)
            prefetch(xs.data() + begin + 4 * perColumn);
        const qsizetype stop = columnEnd(xs, begin, end, column, columnOf, guess);
        keepColumn(ys, begin, stop, keep);
        begin = stop;
    }
    if (end < n)
        keep.push_back(end);
}

} // namespace trainlab
