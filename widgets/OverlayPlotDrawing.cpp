// OverlayPlot's drawing: the decimated curves rasterized into an image of the axis rect (or
// as polylines for a vector painter), and the exports.
#include "OverlayPlot.h"

#include "OverlayPlotCurve.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>

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

/// Sets the pixels of the segment (x0, y0)-(x1, y1) in an image of `width` x `height`
/// (Bresenham's line, clipped first: a value far off the axis maps to a huge coordinate).
void rasterSegment(quint32* bits, qsizetype stride, int width, int height, double x0, double y0,
                   double x1, double y1, quint32 colour) {
    // Liang-Barsky: the part of the segment inside [0, width - 1] x [0, height - 1].
    double t0 = 0;
    double t1 = 1;
    const double dx = x1 - x0;
    const double dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0, width - 1 - x0, y0, height - 1 - y0};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return;
    }
    int ax = int(std::lround(x0 + t0 * dx));
    int ay = int(std::lround(y0 + t0 * dy));
    const int bx = int(std::lround(x0 + t1 * dx));
    const int by = int(std::lround(y0 + t1 * dy));
    const int stepX = ax < bx ? 1 : -1;
    const int stepY = ay < by ? 1 : -1;
    const int spanX = std::abs(bx - ax);
    const int spanY = -std::abs(by - ay);
    int error = spanX + spanY;
    for (;;) {
        bits[qsizetype(ay) * stride + ax] = colour;
        if (ax == bx && ay == by)
            return;
        const int twice = 2 * error;
        if (twice >= spanY) {
            error += spanY;
            ax += stepX;
        }
        if (twice <= spanX) {
            error += spanX;
            ay += stepY;
        }
    }
}

} // namespace

void OverlayPlot::installCurveLayer() {
    new CurveLayer(plot_, *this); // owned by the plot, like its graphs
}

void OverlayPlot::drawCurves(QCPPainter* painter) {
    if (!decimated_ || curves_.empty())
        return;
    const QRect area = plot_->axisRect()->rect();
    if (area.width() < 1 || area.height() < 1)
        return;
    const QCPAxis* xAxis = plot_->xAxis;
    const QCPAxis* yAxis = plot_->yAxis;
    if (painter->modes().testFlag(QCPPainter::pmVectorized)) {
        // PDF and SVG: lines a reader can zoom into, not pixels.
        for (const Curve& curve : curves_) {
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
        return;
    }
    if (raster_.size() != area.size())
        raster_ = QImage(area.size(), QImage::Format_ARGB32_Premultiplied);
    raster_.fill(Qt::transparent);
    auto* bits = reinterpret_cast<quint32*>(raster_.bits());
    const qsizetype stride = raster_.bytesPerLine() / 4;
    const int width = raster_.width();
    const int height = raster_.height();
    // Pixel coordinates relative to the axis rect: the axes' mapping as a line (of log10(y)
    // on a log axis) fitted through two of its points, not a call a point.
    const auto linear = [](const QCPAxis* axis, bool log, double origin) {
        const double a = log ? 1.0 : 0.0;
        const double b = log ? 10.0 : 1.0;
        const double pa = axis->coordToPixel(log ? std::pow(10.0, a) : a) - origin;
        const double pb = axis->coordToPixel(log ? std::pow(10.0, b) : b) - origin;
        const double scale = (pb - pa) / (b - a);
        return std::pair{scale, pa - scale * a};
    };
    const auto [xScale, xOffset] = linear(xAxis, false, area.left());
    const bool logY = yAxis->scaleType() == QCPAxis::stLogarithmic;
    const auto [yScale, yOffset] = linear(yAxis, logY, area.top());
    for (const Curve& curve : curves_) {
        const quint32 colour = curve.graph->pen().color().rgba();
        bool previous = false;
        double px = 0;
        double py = 0;
        for (const auto& [xValue, y] : curve.points) {
            if (!std::isfinite(y)) {
                previous = false;
                continue;
            }
            const double x = xScale * xValue + xOffset;
            const double yPixel = yScale * (logY ? std::log10(y) : y) + yOffset;
            if (previous)
                rasterSegment(bits, stride, width, height, px, py, x, yPixel, colour);
            else
                rasterSegment(bits, stride, width, height, x, yPixel, x, yPixel, colour);
            previous = true;
            px = x;
            py = yPixel;
        }
    }
    painter->drawImage(area.topLeft(), raster_);
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
