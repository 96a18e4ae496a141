#pragma once

#include <QImage>

namespace trainlab {

/// Draws polylines one pixel wide, without antialiasing, into a 32-bit image, one vertical run
/// of pixels per column. A curve decimated per pixel column (first, lowest, highest, last)
/// passes through each column as a few segments that overlap one another; drawn as lines they
/// set most of their pixels several times, a pixel a step. Here the polyline's segments only
/// widen the current column's run, and each run is written once, top to bottom, when the
/// polyline moves on to the next column: a handful of operations a segment and one store a
/// pixel. Steep segments cover, in each column they cross, the rows they pass through there;
/// shallow ones one pixel a column (the row at the column's centre), as Bresenham's would.
/// Coordinates are the image's pixel centres; what lies outside the image is clipped, even
/// far outside (a value off the axis maps to a huge coordinate).
///
/// Pieces (moveTo starts one) never join: a gap between two pieces in one column stays open.
/// A polyline whose x goes back still draws correctly, each column a run at a time.
class PolylineRaster {
public:
    /// Draws into `image`, which must be Format_ARGB32 or Format_ARGB32_Premultiplied (or
    /// RGB32) and outlive the raster.
    explicit PolylineRaster(QImage& image);
    ~PolylineRaster() { finish(); }
    PolylineRaster(const PolylineRaster&) = delete;
    PolylineRaster& operator=(const PolylineRaster&) = delete;

    /// The colour of what is drawn next, as the image stores it (premultiplied for a
    /// premultiplied image). Writes the pending run first.
    void setColour(quint32 pixel);
    /// Starts a new piece at (x, y): a single point sets its pixel even with no line after it.
    void moveTo(double x, double y);
    /// The segment from the last point to (x, y); a moveTo if there is no last point. A
    /// point that is NaN or infinite breaks the line, as breakLine().
    void lineTo(double x, double y);
    /// Ends the piece: the next lineTo starts a new one.
    void breakLine();
    /// Writes the pending run; the destructor calls it too.
    void finish();

private:
    /// Widens the pending run to rows [from, to] (either order) of `column`, or writes it
    /// and starts one there.
    void cover(int column, int from, int to);
    void clipped(double x0, double y0, double x1, double y1); ///< a segment reaching outside
    void pixels(int ax, int ay, int bx, int by);              ///< between two pixels inside

    quint32* bits_;
    qsizetype stride_; ///< in pixels
    int width_;
    int height_;
    quint32 colour_ = 0;
    bool havePoint_ = false;
    bool lastInside_ = false;
    double lastX_ = 0;
    double lastY_ = 0;
    int lastPx_ = 0; ///< the last point's pixel, where it lies inside
    int lastPy_ = 0;
    int column_ = -1; ///< the pending run's column; -1: none
    int top_ = 0;
    int bottom_ = 0;
};

} // namespace trainlab
