#pragma once

#include <QColor>
#include <QPen>

namespace trainlab {

/// Colours for runs drawn together: 20 that stay apart from each other (CIE76 distance at
/// least 25 between any two: Tableau's 10, then 10 picked to keep that distance) and from a
/// white background. Runs past the 20th take the colours again (the legend and the read-out
/// tell them apart).
namespace runpalette {

inline constexpr int kColours = 20;

/// The colour of the `index`th run.
QColor colour(int index);
/// The pen of the `index`th run's curve.
QPen pen(int index);
/// CIE L*a*b* of `colour` (sRGB, D65), for checking that the palette stays distinguishable.
void lab(const QColor& colour, double& l, double& a, double& b);

} // namespace runpalette

} // namespace trainlab
