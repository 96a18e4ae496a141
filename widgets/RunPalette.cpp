#include "RunPalette.h"

#include <array>
#include <cmath>

namespace trainlab::runpalette {

namespace {

constexpr std::array<QRgb, kColours> kPalette = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                                 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
                                                 0x0000ff, 0xff22ff, 0x224400, 0x4411aa, 0xff0077,
                                                 0x886600, 0x77bb88, 0x770055, 0x0077ff, 0xff8888};

double linear(double channel) {
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double labCurve(double t) {
    constexpr double kEpsilon = 216.0 / 24389.0;
    constexpr double kKappa = 24389.0 / 27.0;
    return t > kEpsilon ? std::cbrt(t) : (kKappa * t + 16) / 116;
}

} // namespace

QColor colour(int index) {
    return QColor::fromRgb(kPalette[size_t(std::abs(index) % kColours)]);
}

QPen pen(int index) {
    static constexpr std::array<Qt::PenStyle, 3> kStyles = {Qt::SolidLine, Qt::DashLine,
                                                            Qt::DotLine};
    // Width 1: QPainter's cosmetic fast path (see MetricPlot).
    return QPen(colour(index), 1, kStyles[size_t(std::abs(index) / kColours % 3)]);
}

void lab(const QColor& colour, double& l, double& a, double& b) {
    const double r = linear(colour.redF());
    const double g = linear(colour.greenF());
    const double bl = linear(colour.blueF());
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
    const double fx = labCurve(x);
    const double fy = labCurve(y);
    const double fz = labCurve(z);
    l = 116 * fy - 16;
    a = 500 * (fx - fy);
    b = 200 * (fy - fz);
}

} // namespace trainlab::runpalette
