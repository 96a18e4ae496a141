#pragma once

// OverlayPlot's curve as both of its source files see it (not for other widgets).
// qcustomplot.h uses Qt's `signals` keyword; widgets build without the strict Qt flags.
#include "OverlayPlot.h"

#include "util/Decimation.h"

#include <qcustomplot.h>

namespace trainlab {

struct OverlayPlot::Curve {
    OverlayCurve source;
    QCPGraph* graph = nullptr;   ///< the legend entry and colour; its data only in reference mode
    std::span<double> x;         ///< the current x, ascending (in OverlayPlot::values_)
    std::span<double> y;         ///< the values in x order
    std::span<double> drawn;     ///< on a log scale: y with values <= 0 as NaN (gaps); else empty
    std::vector<qsizetype> kept; ///< what decimation keeps for the range drawn
    std::vector<std::pair<double, double>> points; ///< the kept (x, y), gathered while cached
    QVector<QCPGraphData> buffer;

    std::span<const double> drawnY() const { return drawn.empty() ? y : drawn; }
};

} // namespace trainlab
