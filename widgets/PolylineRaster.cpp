#include "PolylineRaster.h"

#include <algorithm>
#include <cmath>

namespace trainlab {

namespace {

/// Rounds half up. Only for coordinates inside the image, or clipped to it (within rounding
/// error of 0 at worst), where a cast is a floor.
int nearest(double v) {
    return int(v + 0.5);
}

/// Liang-Barsky: shrinks the segment to its part inside [0, xMax] x [0, yMax]; false if none.
bool clip(double& x0, double& y0, double& x1, double& y1, double xMax, double yMax) {
    double t0 = 0;
    double t1 = 1;
    const double dx = x1 - x0;
    const double dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0, xMax - x0, y0, yMax - y0};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    const double startX = x0;
    const double startY = y0;
    x0 = startX + t0 * dx;
    y0 = startY + t0 * dy;
    x1 = startX + t1 * dx;
    y1 = startY + t1 * dy;
    return true;
}

} // namespace

PolylineRaster::PolylineRaster(QImage& image)
    : bits_(reinterpret_cast<quint32*>(image.bits()))
    , stride_(image.bytesPerLine() / 4)
    , width_(image.width())
    , height_(image.height()) {
    Q_ASSERT(image.depth() == 32);
}

void PolylineRaster::setColour(quint32 pixel) {
    finish();
    colour_ = pixel;
}

void PolylineRaster::moveTo(double x, double y) {
    breakLine();
    lineTo(x, y);
}

void PolylineRaster::lineTo(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) {
        breakLine(); // no place to draw it: a gap, as QCustomPlot leaves one
        return;
    }
    const bool inside = x >= 0 && x <= width_ - 1 && y >= 0 && y <= height_ - 1; // NaN: false
    if (inside) {
        // Each point rounded once, as the end of one segment and the start of the next.
        const int px = nearest(x);
        const int py = nearest(y);
        if (!havePoint_)
            cover(px, py, py);
        else if (lastInside_)
            pixels(lastPx_, lastPy_, px, py);
        else
            clipped(lastX_, lastY_, x, y);
        lastPx_ = px;
        lastPy_ = py;
    } else if (havePoint_) {
        clipped(lastX_, lastY_, x, y);
    }
    havePoint_ = true;
    lastInside_ = inside;
    lastX_ = x;
    lastY_ = y;
}

void PolylineRaster::breakLine() {
    finish(); // a run never spans two pieces: the gap between them stays open
    havePoint_ = false;
}

void PolylineRaster::finish() {
    if (column_ < 0)
        return;
    quint32* pixel = bits_ + qsizetype(top_) * stride_ + column_;
    for (int row = top_; row <= bottom_; ++row, pixel += stride_)
        *pixel = colour_;
    column_ = -1;
}

inline void PolylineRaster::cover(int column, int from, int to) {
    const int top = std::min(from, to);
    const int bottom = std::max(from, to);
    if (column == column_) {
        top_ = std::min(top_, top);
        bottom_ = std::max(bottom_, bottom);
        return;
    }
    finish();
    column_ = column;
    top_ = top;
    bottom_ = bottom;
}

void PolylineRaster::clipped(double x0, double y0, double x1, double y1) {
    if (width_ < 1 || height_ < 1 || !clip(x0, y0, x1, y1, width_ - 1, height_ - 1))
        return;
    if (!std::isfinite(x0 + y0 + x1 + y1))
        return; // the clip's arithmetic overflowed: ends beyond ±1e308 apart
    pixels(std::clamp(nearest(x0), 0, width_ - 1), std::clamp(nearest(y0), 0, height_ - 1),
           std::clamp(nearest(x1), 0, width_ - 1), std::clamp(nearest(y1), 0, height_ - 1));
}

void PolylineRaster::pixels(int ax, int ay, int bx, int by) {
    if (ax == bx) {
        cover(ax, ay, by);
        return;
    }
    if (ax > bx) {
        std::swap(ax, bx);
        std::swap(ay, by);
    }
    const int dx = bx - ax;
    const int dy = by - ay;
    if (std::abs(dy) <= dx) {
        // Shallow: the row nearest the line at each column's centre.
        const double slope = double(dy) / dx;
        for (int column = ax; column <= bx; ++column) {
            const int row = ay + int(std::floor((column - ax) * slope + 0.5));
            cover(column, row, row);
        }
        return;
    }
    // Steep: the rows whose nearest column is this one (x rounds half up), found from where
    // the line crosses each column's right edge, so each row is drawn once, as Bresenham's.
    const double slope = double(dy) / dx;
    int start = ay;
    for (int column = ax; column < bx; ++column) {
        const double edge = ay + (column + 0.5 - ax) * slope; // inside the image: >= 0
        const int below = int(edge);
        if (dy > 0) {
            const int next = below + (double(below) < edge ? 1 : 0); // ceil
            cover(column, start, next - 1);
            start = next;
        } else {
            cover(column, start, below + 1); // floor(edge) + 1
            start = below;
        }
    }
    cover(bx, start, by);
}

} // namespace trainlab
