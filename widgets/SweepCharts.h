#pragma once

#include "store/SweepSummary.h"

class QCustomPlot;

namespace trainlab {

// The sweep view's charts, drawn into a QCustomPlot each. Completed, pruned (or unfinished)
// and failed trials are separate graphs with their own marks, so they are told apart and the
// legend counts them.

/// The first objective by trial number, and the best so far as a step line.
void drawObjectiveHistory(QCustomPlot* plot, const SweepSummary& sweep);
/// Any field (parameter or metric) against any other.
void drawScatter(QCustomPlot* plot, const SweepSummary& sweep, const QString& x, const QString& y);
/// The first two objectives against each other, the Pareto front joined; a hint instead when
/// the sweep has a single objective. Returns whether there was a front to draw.
bool drawPareto(QCustomPlot* plot, const SweepSummary& sweep);
/// Each parameter's importance as a horizontal bar, largest on top; a hint while there is none.
void drawImportance(QCustomPlot* plot, const SweepSummary& sweep);

} // namespace trainlab
