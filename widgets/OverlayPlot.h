#pragma once

#include "util/HugePageBuffer.h"

#include <QImage>
#include <QVector>
#include <QWidget>
#include <array>
#include <span>
#include <utility>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemLine;
class QCPItemText;
class QCPLayer;
class QCPPainter;

namespace trainlab {

/// What the overlay's horizontal axis counts.
enum class OverlayX { Invalid, Step, Epoch, WallTime, Energy };

/// One run's curve with its x under every choice; an x it lacks is left empty.
struct OverlayCurve {
    QString label;
    QVector<double> step;
    QVector<double> epoch;
    QVector<double> wallSeconds; ///< since the run's start
    QVector<double> energyJ;     ///< the run's cumulative energy at each point
    QVector<double> value;
};

/// Curves of many runs over one another, a colour each (runpalette), the legend beside the
/// plot area. Every point is kept in memory and each redraw plots, per pixel column, only
/// what decimate() keeps of the visible range: zooming and panning re-decimate from the
/// whole series, so a zoomed-in view is exact down to single steps without a trip to the
/// database (a re-read per visible range would cost a query per run on every drag). The kept
/// points are drawn as 1-pixel lines straight into images of the axis rect (PolylineRaster;
/// vector painters, for PDF and SVG, get polylines), many long curves on two threads, and the
/// images are kept until the range, size or curves change. QCustomPlot's graphs carry the
/// legend and the colours, and no data of their own, so its adaptive sampling never runs.
/// Dragging pans, the wheel zooms, a double-click fits the data again; hovering shows each
/// curve's value under the cursor.
class OverlayPlot : public QWidget {
    Q_OBJECT
public:
    explicit OverlayPlot(QWidget* parent = nullptr);
    ~OverlayPlot() override;

    /// Replaces the curves (curve i takes runpalette colour i), drawn against `x` when they
    /// offer it (Invalid: the current x, else step), and fits the view to them.
    void setCurves(QVector<OverlayCurve> curves, OverlayX x = OverlayX::Invalid);
    int curveCount() const;
    /// Whether every curve has x values of kind `x` (energy: every run recorded it).
    bool offers(OverlayX x) const;
    OverlayX xAxis() const { return x_; }
    /// Draws against `x` (one the curves offer, else nothing changes) and fits the view.
    void setXAxis(OverlayX x);
    bool logY() const { return logY_; }
    /// A log-scale y axis; values <= 0 have no place on it and leave a gap.
    void setLogY(bool logY);
    void setYLabel(const QString& label);
    /// Off: every point goes to QCustomPlot's graphs, which sample and draw them themselves
    /// (adaptive sampling on), as it is shipped; the benchmark's reference. On (the default):
    /// decimated and drawn here.
    void setDecimated(bool decimated);
    /// Fits both axes to the data.
    void fitToData();
    /// Decimates anew for the current range and size; a redraw does this by itself.
    void redecimate();

    /// Shows each curve's value at `x` (plot coordinates) beside a cursor line.
    void showReadout(double x);
    void hideReadout();
    /// The read-out's text; empty while it is hidden.
    QString readoutText() const;
    /// What the plot says instead of curves while it has none; empty once it has some.
    QString emptyText() const;
    /// Sets what the plot says while it has no curves.
    void setEmptyText(const QString& text);

    /// Writes the plot at its current size as PNG, PDF or SVG, by the path's suffix. Returns
    /// an empty string, or why it could not.
    QString exportTo(const QString& path);

    QCustomPlot* plot() const { return plot_; }
    QCPGraph* graph(int curve) const;
    /// The points curve `curve` draws now, (x, y) in x order: the decimated ones, or in the
    /// reference mode the graph's every point.
    std::vector<std::pair<double, double>> drawnPoints(int curve) const;
    /// The points curve `curve` has for the current x (sorted by x), as drawn before decimation.
    std::span<const double> xValues(int curve) const;
    std::span<const double> yValues(int curve) const;

Q_SIGNALS:
    void hovered(double x);

private:
    struct Curve;
    class CurveLayer;

    bool eventFilter(QObject* watched, QEvent* event) override;
    void rebuildXY(); ///< each curve's (x, y) for the current x and scale, sorted by x
    void configureAxes();
    /// Where the curves' pixels go and what they were drawn from: images drawn for the same
    /// frame are reused by the next redraw.
    struct RasterFrame {
        QSize size;        ///< the axis rect's
        double xScale = 0; ///< pixel x = xScale * x + xOffset, in the axis rect
        double xOffset = 0;
        double yScale = 0; ///< pixel y = yScale * (y, or log10 y) + yOffset
        double yOffset = 0;
        bool logY = false;
        quint64 curvesVersion = 0; ///< curves_ changed: bumped on every new set of points
        std::vector<quint32> ink;  ///< each curve's pen, premultiplied; 0: its graph is hidden
        bool operator==(const RasterFrame&) const = default;
    };

    // OverlayPlotDrawing.cpp, these six:
    /// Decimates for the current range and width (unless done for them already), then draws
    /// the curves into the images for the current frame (unless done for it already); many
    /// long curves on two threads. Runs after each layout, just before the curves are drawn.
    void fillGraphs(bool draw);
    void fillReference(); ///< every point into QCustomPlot's graphs
    RasterFrame rasterFrame() const;
    void installCurveLayer();
    void drawCurves(QCPPainter* painter); ///< CurveLayer's drawing
    void drawVector(QCPPainter* painter); ///< the curves as polylines, for PDF and SVG
    void fitRanges();
    void updateEmptyText();

    QCustomPlot* plot_ = nullptr;
    QCPLayer* hoverLayer_ = nullptr;
    std::vector<Curve> curves_;
    QCPItemText* emptyText_ = nullptr;
    QCPItemText* notice_ = nullptr;
    QCPItemText* readout_ = nullptr;
    QCPItemLine* cursor_ = nullptr;
    QString emptyMessage_;
    OverlayX x_ = OverlayX::Step;
    bool logY_ = false;
    bool decimated_ = true;
    /// What the graphs were last decimated for: a redraw with the same skips the work.
    double decimatedLower_ = 0;
    double decimatedUpper_ = 0;
    int decimatedWidth_ = -1;
    HugePageBuffer values_; ///< every curve's x, y and drawn y: Curve's spans point here
    quint64 curvesVersion_ = 0;
    /// The curves' pixels, the axis rect's size: those before the split and those after it,
    /// drawn on two threads; the second is null when one thread drew them all.
    std::array<QImage, 2> rasters_;
    RasterFrame rasteredFor_; ///< what rasters_ hold; size 0: nothing yet
};

} // namespace trainlab
