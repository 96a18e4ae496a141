// PolylineRaster: 1-pixel lines drawn a column run at a time. Each test works out from the
// geometry alone which pixels a line must set (one a row for steep lines, one a column for
// shallow ones, each the pixel nearest the line) and compares.
#include "PolylineRaster.h"

#include <QtTest>
#include <cmath>
#include <limits>
#include <random>
#include <set>

using namespace trainlab;

namespace {

constexpr quint32 kInk = 0xff2060a0u;
constexpr quint32 kOther = 0xffc03010u;

QImage blank(int width = 64, int height = 48) {
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    return image;
}

/// One polyline through `points` in kInk on a blank image: moveTo the first, lineTo the rest
/// (a NaN point breaks it).
QImage drawnLine(std::initializer_list<std::pair<double, double>> points) {
    QImage image = blank();
    PolylineRaster raster(image);
    raster.setColour(kInk);
    bool first = true;
    for (const auto& [x, y] : points) {
        if (first)
            raster.moveTo(x, y);
        else
            raster.lineTo(x, y);
        first = false;
    }
    raster.finish();
    return image;
}

using Pixels = std::set<std::pair<int, int>>; // (x, y)

Pixels inked(const QImage& image, quint32 colour = kInk) {
    Pixels set;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixel(x, y) == colour)
                set.insert({x, y});
    return set;
}

int nearest(double v) {
    return int(std::floor(v + 0.5));
}

/// The pixels of the line between two pixel centres: for a steep line the nearest column in
/// each row, for a shallow one the nearest row in each column (halves round up).
Pixels expectedLine(int ax, int ay, int bx, int by) {
    Pixels set;
    if (std::abs(by - ay) > std::abs(bx - ax)) {
        for (int y = std::min(ay, by); y <= std::max(ay, by); ++y)
            set.insert({nearest(ax + double(y - ay) * (bx - ax) / (by - ay)), y});
    } else if (ax == bx) {
        set.insert({ax, ay});
    } else {
        if (ax > bx) {
            std::swap(ax, bx);
            std::swap(ay, by);
        }
        for (int x = ax; x <= bx; ++x)
            set.insert({x, ay + nearest(double(x - ax) * (by - ay) / (bx - ax))});
    }
    return set;
}

} // namespace

class TestPolylineRaster : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void segmentsSetThePixelsNearestTheLine() {
        std::mt19937 random(5);
        std::uniform_int_distribution<int> x(0, 63);
        std::uniform_int_distribution<int> y(0, 47);
        for (int trial = 0; trial < 2000; ++trial) {
            const int ax = x(random), ay = y(random), bx = x(random), by = y(random);
            const QImage image = drawnLine({{ax, ay}, {bx, by}});
            const Pixels expected = expectedLine(ax, ay, bx, by);
            const Pixels drawn = inked(image);
            // Where the line passes exactly between two pixels either is right; elsewhere
            // the pixel must be the nearest one.
            QVERIFY2(drawn.size() == expected.size(),
                     qPrintable(QStringLiteral("(%1,%2)-(%3,%4): %5 pixels, expected %6")
                                    .arg(ax)
                                    .arg(ay)
                                    .arg(bx)
                                    .arg(by)
                                    .arg(drawn.size())
                                    .arg(expected.size())));
            QVERIFY(drawn.count({ax, ay}) && drawn.count({bx, by}));
            for (const auto& [px, py] : drawn) {
                const bool steep = std::abs(by - ay) > std::abs(bx - ax);
                const double off =
                    steep ? std::abs(px - (ax + double(py - ay) * (bx - ax) / (by - ay)))
                          : (ax == bx
                                 ? 0.0
                                 : std::abs(py - (ay + double(px - ax) * (by - ay) / (bx - ax))));
                QVERIFY2(off <= 0.5 + 1e-9, qPrintable(QStringLiteral("(%1,%2)-(%3,%4) at (%5,%6)")
                                                           .arg(ax)
                                                           .arg(ay)
                                                           .arg(bx)
                                                           .arg(by)
                                                           .arg(px)
                                                           .arg(py)));
            }
        }
    }

    void aDecimatedColumnIsOneRunFromItsLowestToItsHighest() {
        // First, lowest, highest, last in one pixel column, then on to the next column.
        const QImage image =
            drawnLine({{10.2, 20.0}, {10.3, 5.0}, {10.4, 40.0}, {10.45, 22.0}, {11.1, 30.0}});
        Pixels expected;
        for (int row = 5; row <= 40; ++row)
            expected.insert({10, row});
        // The step to the next column: rows 22..25 stay in column 10 (x nearer 10), from row
        // 26 (x = 10.5, which rounds up) column 11 down to the point.
        for (int row = 26; row <= 30; ++row)
            expected.insert({11, row});
        QCOMPARE(inked(image), expected);
    }

    void breakLineLeavesTheGapOpen() {
        QImage image = blank();
        {
            PolylineRaster raster(image);
            raster.setColour(kInk);
            raster.lineTo(20, 5);
            raster.lineTo(20, 10);
            raster.breakLine(); // NaN in the data: the line stops here
            raster.lineTo(20, 30);
            raster.lineTo(20, 35);
        }
        const Pixels drawn = inked(image);
        QCOMPARE(int(drawn.size()), 12);
        for (int row = 11; row < 30; ++row)
            QVERIFY(!drawn.count({20, row}));
        // And a lone point still shows.
        QCOMPARE(inked(drawnLine({{7, 9}})), (Pixels{{7, 9}}));
    }

    void clipsWhatLiesOutsideHoweverFar() {
        constexpr double kFar = 1e15; // a value far off the axis
        // Straight down off the image; then far away; a gap; wholly outside; then segments that
        // overflow the clip's arithmetic.
        const Pixels drawn = inked(drawnLine({{10, 10},
                                              {10, kFar},
                                              {-kFar, -kFar},
                                              {std::numeric_limits<double>::quiet_NaN(), 3},
                                              {-5, -5},
                                              {-1, -1},
                                              {1.7e308, -1.7e308},
                                              {-1.7e308, 1.7e308}}));
        for (int row = 10; row < 48; ++row)
            QVERIFY2(drawn.count({10, row}), qPrintable(QString::number(row)));
        QCOMPARE(int(drawn.size()), 38);
    }

    void laterColoursCoverEarlierOnes() {
        QImage image = blank();
        {
            PolylineRaster raster(image);
            raster.setColour(kInk);
            raster.lineTo(0, 20);
            raster.lineTo(63, 20);
            raster.setColour(kOther);
            raster.breakLine();
            raster.lineTo(30, 0);
            raster.lineTo(30, 47);
        }
        QCOMPARE(image.pixel(30, 20), kOther);
        QCOMPARE(image.pixel(29, 20), kInk);
        QCOMPARE(int(inked(image).size()), 63);
        QCOMPARE(int(inked(image, kOther).size()), 48);
    }
};

QTEST_GUILESS_MAIN(TestPolylineRaster)
#include "tst_polylineraster.moc"
