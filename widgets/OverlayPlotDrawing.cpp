// OverlayPlot's drawing: the curves decimated for the range shown and rasterized into images
// of the axis rect, on two threads when they are many and long (or as polylines for a vector
// painter); and the exports.
#include "OverlayPlot.h"

#include "OverlayPlotCurve.h"
#include "PolylineRaster.h"

#include "util/Decimation.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <QThread>
#include <algorithm>
#include <cmath>
#include <thread>

namespace trainlab {

/// Draws the decimated curves on the main layer, above the grid and under the items.
class OverlayPlot::CurveLayer : public QCPLayerable {
public:
    CurveLayer(QCustomPlot* plot, OverlayPlot& owner)
        : QCPLayerable(plot, QStringLiteral("main"))
        , owner_(owner) {}

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setAntialiasing(false);
    }
    void draw(QCPPainter* painter) override { owner_.drawCurves(painter); }
    QRect clipRect() const override { return parentPlot()->axisRect()->rect(); }

private:
    OverlayPlot& owner_;
};

namespace {

/// Below this many points in all, starting a second thread costs more than it saves.
constexpr size_t kPointsForTwoThreads = 200'000;

} // namespace

void OverlayPlot::installCurveLayer() {
    new CurveLayer(plot_, *this); // owned by the plot, like its graphs
}

void OverlayPlot::redecimate() {
    decimatedWidth_ = -1;
    fillGraphs(/*draw=*/false);
}

void OverlayPlot::fillReference() {
    if (decimatedWidth_ == 0)
        return; // all points are in already
    for (Curve& curve : curves_) {
        const std::span<const double> ys = curve.drawnY();
        curve.buffer.resize(qsizetype(curve.x.size()));
        for (size_t i = 0; i < curve.x.size(); ++i)
            curve.buffer[qsizetype(i)] = QCPGraphData(curve.x[i], ys[i]);
        curve.graph->data()->set(curve.buffer, /*alreadySorted=*/true);
        curve.buffer.clear();
        curve.kept.clear();
        curve.points.clear();
    }
    decimatedWidth_ = 0;
    rasteredFor_ = {};
}

OverlayPlot::RasterFrame OverlayPlot::rasterFrame() const {
    RasterFrame frame;
    const QRect area = plot_->axisRect()->rect();
    frame.size = area.size();
    // The axes' mapping as a line (of log10(y) on a log axis) fitted through two of its
    // points, relative to the axis rect: a multiply-add a point, not a call.
    const auto linear = [](const QCPAxis* axis, bool log, double origin) {
        const double a = log ? 1.0 : 0.0;
        const double b = log ? 10.0 : 1.0;
        const double pa = axis->coordToPixel(log ? std::pow(10.0, a) : a) - origin;
        const double pb = axis->coordToPixel(log ? std::pow(10.0, b) : b) - origin;
        const double scale = (pb - pa) / (b - a);
        return std::pair{scale, pa - scale * a};
    };
    std::tie(frame.xScale, frame.xOffset) = linear(plot_->xAxis, false, area.left());
    // The raster rounds to the nearest pixel; half a pixel to the left, pixel column c draws
    // the x in [c, c + 1) of the axis rect, which is decimation's column c: a column's points
    // then meet in one run, and a line leaves it once.
    frame.xOffset -= 0.5;
    frame.logY = plot_->yAxis->scaleType() == QCPAxis::stLogarithmic;
    std::tie(frame.yScale, frame.yOffset) = linear(plot_->yAxis, frame.logY, area.top());
    frame.curvesVersion = curvesVersion_;
    // Read here, on the GUI thread: the drawing threads touch no QCustomPlot object.
    frame.ink.reserve(curves_.size());
    for (const Curve& curve : curves_)
        frame.ink.push_back(curve.graph->visible() ? qPremultiply(curve.graph->pen().color().rgba())
                                                   : 0u);
    return frame;
}

void OverlayPlot::fillGraphs(bool draw) {
    if (!decimated_) {
        fillReference();
        return;
    }
    const QCPRange range = plot_->xAxis->range();
    const int width = std::max(1, plot_->axisRect()->width());
    const bool newColumns = width != decimatedWidth_ || range.lower != decimatedLower_ ||
                            range.upper != decimatedUpper_;
    RasterFrame frame;
    if (draw) {
        frame = rasterFrame();
        draw = !frame.size.isEmpty() && (newColumns || frame != rasteredFor_);
    }
    if (!newColumns && !draw)
        return;
    if (newColumns)
        for (Curve& curve : curves_)
            if (!curve.graph->data()->isEmpty())
                curve.graph->data()->clear(); // left from the reference mode
    const PixelColumns columns{range.lower, range.upper, width};
    // A thread touches only its own curves and its own image. All its curves are decimated
    // before the image is cleared: clearing 3.4 MB first made the decimation after it half
    // as fast (bench_overlay, 50 curves of 100,000 points a thread: 12-15 ms against 6).
    const auto work = [&](size_t from, size_t to, QImage& image) {
        if (newColumns) {
            for (size_t c = from; c < to; ++c) {
                Curve& curve = curves_[c];
                curve.kept.clear();
                const std::span<const double> ys = curve.drawnY();
                decimate(curve.x, ys, columns, curve.kept);
                curve.points.resize(curve.kept.size());
                for (size_t k = 0; k < curve.kept.size(); ++k)
                    curve.points[k] = {curve.x[size_t(curve.kept[k])], ys[size_t(curve.kept[k])]};
            }
        }
        if (!draw)
            return;
        if (image.size() != frame.size)
            image = QImage(frame.size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        PolylineRaster raster(image);
        for (size_t c = from; c < to; ++c) {
            const Curve& curve = curves_[c];
            if (frame.ink[c] == 0)
                continue;
            raster.setColour(frame.ink[c]);
            raster.breakLine();
            // A NaN or infinite value maps to one too, and lineTo leaves a gap there, as
            // QCustomPlot does.
            for (const auto& [x, y] : curve.points)
                raster.lineTo(frame.xScale * x + frame.xOffset,
                              frame.yScale * (frame.logY ? std::log10(y) : y) + frame.yOffset);
        }
    };
    size_t points = 0;
    for (const Curve& curve : curves_)
        points += curve.x.size();
    if (points < kPointsForTwoThreads || QThread::idealThreadCount() < 2) {
        work(0, curves_.size(), rasters_[0]);
        if (draw)
            rasters_[1] = QImage();
    } else {
        // The later curves, drawn over the earlier ones, go to the second image, which is
        // drawn second: the same pixels one thread would leave (the curves' pens are opaque).
        size_t split = 0;
        for (size_t half = 0; split < curves_.size() && half < points / 2; ++split)
            half += curves_[split].x.size();
        std::thread helper(work, split, curves_.size(), std::ref(rasters_[1]));
        work(0, split, rasters_[0]);
        helper.join();
    }
    if (newColumns) {
        decimatedLower_ = range.lower;
        decimatedUpper_ = range.upper;
        decimatedWidth_ = width;
    }
    rasteredFor_ = draw ? std::move(frame) : RasterFrame{};
}

void OverlayPlot::drawCurves(QCPPainter* painter) {
    if (!decimated_ || curves_.empty())
        return;
    const QRect area = plot_->axisRect()->rect();
    if (area.width() < 1 || area.height() < 1)
        return;
    if (painter->modes().testFlag(QCPPainter::pmVectorized)) {
        drawVector(painter);
        return;
    }
    if (rasterFrame() != rasteredFor_)
        fillGraphs(/*draw=*/true); // drawn without a layout since the last change
    for (const QImage& image : rasters_)
        if (!image.isNull())
            painter->drawImage(area.topLeft(), image);
}

void OverlayPlot::drawVector(QCPPainter* painter) {
    // PDF and SVG: lines a reader can zoom into, not pixels.
    const QCPAxis* xAxis = plot_->xAxis;
    const QCPAxis* yAxis = plot_->yAxis;
    for (const Curve& curve : curves_) {
        if (!curve.graph->visible())
            continue;
        painter->setPen(curve.graph->pen());
        QVector<QPointF> line;
        const auto flush = [&] {
            if (line.size() > 1)
                painter->drawPolyline(line.constData(), int(line.size()));
            line.clear();
        };
        for (const auto& [x, y] : curve.points) {
            if (!std::isfinite(y)) {
                flush(); // a gap, as QCustomPlot leaves one at NaN and infinity
                continue;
            }
            line.append(QPointF(xAxis->coordToPixel(x), yAxis->coordToPixel(y)));
        }
        flush();
    }
}

std::vector<std::pair<double, double>> OverlayPlot::drawnPoints(int curve) const {
    std::vector<std::pair<double, double>> points;
    const Curve& c = curves_.at(size_t(curve));
    if (decimated_)
        return c.points;
    for (auto it = c.graph->data()->constBegin(); it != c.graph->data()->constEnd(); ++it)
        points.emplace_back(it->key, it->value);
    return points;
}

QString OverlayPlot::exportTo(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int width = std::max(1, plot_->width());
    const int height = std::max(1, plot_->height());
    bool written = false;
    if (suffix == QLatin1String("png")) {
        written = plot_->savePng(path, width, height);
    } else if (suffix == QLatin1String("pdf")) {
        written = plot_->savePdf(path, width, height);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(width, height));
        svg.setViewBox(QRect(0, 0, width, height));
        svg.setTitle(tr("TrainLab compare"));
        QCPPainter painter;
        if (painter.begin(&svg)) {
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            plot_->toPainter(&painter, width, height);
            written = painter.end();
        }
    } else {
        return tr("%1: unknown image type \"%2\" (use .png, .svg or .pdf)").arg(path, suffix);
    }
    return written ? QString() : tr("%1: could not be written").arg(path);
}

} // namespace trainlab
