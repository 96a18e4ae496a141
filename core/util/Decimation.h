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
void decimate(std::span<const double> xs, std::span<const double> ys, const PixelColumns& columns,
              std::vector<qsizetype>& keep);

} // namespace trainlab
