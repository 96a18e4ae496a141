#pragma once

#include <QtGlobal>
#include <cstdint>
#include <span>
#include <vector>

namespace trainlab {

/// The pixel columns a plot spreads its x range over: column c holds the x values in
/// [xLower + c / scale, xLower + (c + 1) / scale), the last one also xUpper itself.
struct PixelColumns {
    double xLower = 0;
    double xUpper = 0;
    int count = 1; ///< the plot's width in pixels; fewer than 1 counts as 1

    /// The column of `x`, which must lie in [xLower, xUpper]. Every column of an empty range
    /// (xLower == xUpper) is column 0.
    int columnOf(double x) const;
};

/// Where a stretch of a series has its extremes: the first smallest and the first largest
/// finite value and the first non-finite one; -1 where there is none.
struct Extremes {
    qsizetype lowest = -1;
    qsizetype highest = -1;
    qsizetype nonFinite = -1;
};

/// The extremes of every aligned block of 2^k values (k >= 4) of one series, built once in
/// O(n), so the extremes of any stretch come from O(log n) blocks instead of reading its every
/// value: a plot of many long curves decimates each redraw in time that grows with its pixel
/// width, not with the points. Each block keeps its smallest and largest value beside their
/// indices, so a lookup reads the block and nothing of the series: about 2.1 bytes a point.
/// Answers exactly what reading the stretch would, ties included (the first of equal values).
class ExtremesIndex {
public:
    ExtremesIndex() = default;
    /// Indexes `ys`, which must stay alive and unchanged while the index is used.
    explicit ExtremesIndex(std::span<const double> ys);

    bool empty() const { return levels_.empty(); }
    /// The extremes of ys[begin, end), `ys` being the series indexed.
    Extremes find(std::span<const double> ys, qsizetype begin, qsizetype end) const;

    /// One block's extremes: the values themselves, so combining blocks reads no series value.
    struct Block {
        double lowest;             ///< +inf: no finite value in the block
        double highest;            ///< -inf: likewise
        std::uint32_t lowestAt;    ///< kNone where there is no finite value
        std::uint32_t highestAt;   ///< likewise
        std::uint32_t nonFiniteAt; ///< kNone: every value is finite
        std::uint32_t unused = 0;
    };

private:
    std::vector<std::vector<Block>> levels_; ///< levels_[k]: blocks of kFirstBlock << k values
};

/// Appends to `keep` the indices, ascending, of the points of (xs, ys) a plot of `columns`
/// needs to look exactly as the whole series would: in each pixel column its first and last
/// point, its smallest and largest finite value (so a spike one step wide survives) and its
/// first non-finite value (NaN or an infinity: a plot breaks its line there, so the gap stays
/// visible); then the last point before the range and the first after it, so lines run to
/// the plot's edges. A column of four points or fewer keeps them all.
///
/// `xs` must be sorted ascending and finite; `ys` is as long. The cost is one pass over the
/// visible points' values (two over each column while it is in the cache) plus a search of
/// O(log n) x values per column; nothing is allocated but `keep`'s growth (reserve it, or
/// reuse one vector, to avoid even that).
/// A range whose bounds are NaN keeps nothing.
/// With `index` (built over `ys`), a column of many points finds its extremes in O(log n)
/// rather than by reading them; the result is the same.
void decimate(std::span<const double> xs, std::span<const double> ys, const PixelColumns& columns,
              std::vector<qsizetype>& keep, const ExtremesIndex* index = nullptr);

} // namespace trainlab
