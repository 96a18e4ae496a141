// The overlay of many runs' curves: what reaches QCustomPlot is decimated per pixel column and
// draws exactly the whole series' envelope, zooming and resizing decimate again from every
// point, the reference mode hands QCustomPlot all points, x by step / epoch / wall time /
// energy, log scale gaps, the hover read-out, a legend outside the axes, exports, the palette.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "OverlayPlot.h"
#include "PolylineRaster.h"
#include "RunPalette.h"

#include "util/Decimation.h"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <map>
#include <qcustomplot.h>
#include <random>

using namespace trainlab;

namespace {

/// A noisy falling loss with a spike now and then, `n` steps, 4 steps an epoch, 0.5 s a step.
OverlayCurve lossCurve(int n, unsigned seed, const QString& label) {
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0, 0.05);
    OverlayCurve curve;
    curve.label = label;
    for (int i = 0; i < n; ++i) {
        curve.step.append(i + 1);
        curve.epoch.append((i + 1) / 4.0);
        curve.wallSeconds.append(0.5 * i);
        const double spike = i % 997 == 0 ? 3.0 : 0.0;
        curve.value.append(2.0 / std::sqrt(1.0 + i) + noise(random) + spike);
    }
    return curve;
}

using Envelope = std::map<int, std::pair<double, double>>;

/// Per pixel column of `columns`, the min and max of the points (x, y) inside the range.
template <typename Points> Envelope envelopeOf(const Points& points, const PixelColumns& columns) {
    Envelope envelope;
    for (const auto& [x, y] : points) {
        if (x < columns.xLower || x > columns.xUpper || !std::isfinite(y))
            continue;
        auto [it, fresh] = envelope.try_emplace(columns.columnOf(x), y, y);
        if (!fresh)
            it->second = {std::min(it->second.first, y), std::max(it->second.second, y)};
    }
    return envelope;
}

std::vector<std::pair<double, double>> wholeSeries(const OverlayPlot& plot, int curve) {
    std::vector<std::pair<double, double>> points;
    for (size_t i = 0; i < plot.xValues(curve).size(); ++i)
        points.emplace_back(plot.xValues(curve)[i], plot.yValues(curve)[i]);
    return points;
}

PixelColumns shownColumns(const OverlayPlot& plot) {
    const QCPRange range = plot.plot()->xAxis->range();
    return {range.lower, range.upper, plot.plot()->axisRect()->width()};
}

} // namespace

class TestOverlayPlot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        plot_ = std::make_unique<OverlayPlot>();
        plot_->resize(900, 500);
        plot_->setCurves({lossCurve(60000, 1, QStringLiteral("#1 a")),
                          lossCurve(45000, 2, QStringLiteral("#2 b")),
                          lossCurve(30000, 3, QStringLiteral("#3 c"))});
        plot_->show();
        QVERIFY(QTest::qWaitForWindowExposed(plot_.get()));
        plot_->plot()->replot();
    }
    void cleanup() { plot_.reset(); }

    void drawsTheWholeSeriesEnvelopeFromFewPoints() {
        const PixelColumns columns = shownColumns(*plot_);
        QVERIFY(columns.count > 300);
        for (int curve = 0; curve < 3; ++curve) {
            // QCustomPlot's graph only names and colours the curve: its sampling never runs.
            QCOMPARE(plot_->graph(curve)->dataCount(), 0);
            const auto drawn = plot_->drawnPoints(curve);
            QVERIFY2(drawn.size() <= size_t(4 * columns.count + 2),
                     qPrintable(QString::number(drawn.size())));
            QVERIFY(drawn.size() < plot_->xValues(curve).size() / 10);
            QVERIFY(envelopeOf(drawn, columns) == envelopeOf(wholeSeries(*plot_, curve), columns));
        }
        // And the pixels are there: the first curve's colour in the axis rect.
        const QImage shot = plot_->plot()->toPixmap().toImage();
        bool coloured = false;
        const QRect area = plot_->plot()->axisRect()->rect();
        for (int y = area.top(); y < area.bottom() && !coloured; ++y)
            for (int x = area.left(); x < area.right() && !coloured; ++x)
                coloured = shot.pixelColor(x, y) == runpalette::colour(0);
        QVERIFY(coloured);
        QVERIFY(plot_->emptyText().isEmpty());
    }

    void zoomingDecimatesAgainFromEveryPoint() {
        // A range narrower than the plot is wide: every point in it is drawn, none invented.
        plot_->plot()->xAxis->setRange(1000.5, 1300.5);
        plot_->plot()->replot();
        const auto drawn = plot_->drawnPoints(0);
        int inside = 0;
        for (const auto& [x, y] : drawn) {
            inside += x >= 1000.5 && x <= 1300.5;
            QCOMPARE(y, plot_->yValues(0)[size_t(x - 1)]); // step x is point x - 1
        }
        QCOMPARE(inside, 300);
        QCOMPARE(drawn.front().first, 1000.0); // the neighbours outside, so lines reach the edge
        QCOMPARE(drawn.back().first, 1301.0);
        // Panning by dragging the mouse re-decimates too.
        QWidget* canvas = plot_->plot();
        const QPoint from = plot_->plot()->axisRect()->center();
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, from - QPoint(200, 0), canvas->mapToGlobal(from),
                         Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(canvas, &move);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, from - QPoint(200, 0));
        plot_->plot()->replot();
        const PixelColumns panned = shownColumns(*plot_);
        QVERIFY(panned.xLower > 1000.5);
        QVERIFY(envelopeOf(plot_->drawnPoints(0), panned) ==
                envelopeOf(wholeSeries(*plot_, 0), panned));
    }

    void resizingDecimatesForTheNewWidth() {
        plot_->resize(500, 400);
        QTest::qWait(50);
        plot_->plot()->replot();
        const PixelColumns columns = shownColumns(*plot_);
        QVERIFY(columns.count < 450);
        QVERIFY(plot_->drawnPoints(1).size() <= size_t(4 * columns.count + 2));
        QVERIFY(envelopeOf(plot_->drawnPoints(1), columns) ==
                envelopeOf(wholeSeries(*plot_, 1), columns));
    }

    void referenceModeHandsQCustomPlotEveryPoint() {
        plot_->setDecimated(false);
        plot_->plot()->replot();
        QCOMPARE(plot_->graph(0)->dataCount(), 60000);
        QVERIFY(plot_->graph(0)->adaptiveSampling());
        QCOMPARE(plot_->drawnPoints(0).size(), size_t(60000));
        plot_->setDecimated(true);
        plot_->plot()->replot();
        QCOMPARE(plot_->graph(0)->dataCount(), 0);
        QVERIFY(plot_->drawnPoints(0).size() < 6000);
    }

    void xByStepEpochWallTimeOrEnergy() {
        QVERIFY(plot_->offers(OverlayX::Epoch));
        QVERIFY(!plot_->offers(OverlayX::Energy)); // no curve has energy
        plot_->setXAxis(OverlayX::Energy);
        QCOMPARE(plot_->xAxis(), OverlayX::Step);
        plot_->setXAxis(OverlayX::Epoch);
        QCOMPARE(plot_->xAxis(), OverlayX::Epoch);
        QCOMPARE(plot_->xValues(0).back(), 15000.0);
        QCOMPARE(plot_->plot()->xAxis->label(), QStringLiteral("epoch"));
        QCOMPARE(plot_->plot()->xAxis->range().upper, 15000.0); // fitted to the new x
        plot_->setXAxis(OverlayX::WallTime);
        QCOMPARE(plot_->xValues(2).back(), 0.5 * 29999);

        OverlayCurve withEnergy = lossCurve(100, 4, QStringLiteral("e"));
        for (int i = 0; i < 100; ++i)
            withEnergy.energyJ.append(3.0 * i);
        plot_->setCurves({withEnergy});
        QVERIFY(plot_->offers(OverlayX::Energy));
        plot_->setXAxis(OverlayX::Energy);
        QCOMPARE(plot_->xValues(0)[10], 30.0);
        QVERIFY(plot_->plot()->xAxis->label().contains(QStringLiteral("energy")));
    }

    void unsortedWallTimesAreDrawnInOrder() {
        OverlayCurve curve = lossCurve(10, 5, QStringLiteral("clock"));
        curve.wallSeconds = {0, 1, 2, 3, 10, 11, 4, 5, 6, 7}; // the clock jumped back
        plot_->setCurves({curve}, OverlayX::WallTime);
        const auto& x = plot_->xValues(0);
        QVERIFY(std::is_sorted(x.begin(), x.end()));
        QCOMPARE(plot_->yValues(0)[4], curve.value[6]); // x = 4 came from point 6
    }

    void logScaleLeavesGapsForValuesBelowZero() {
        OverlayCurve curve = lossCurve(100, 6, QStringLiteral("l"));
        curve.value[10] = 0;
        curve.value[20] = -1;
        plot_->setCurves({curve});
        plot_->setLogY(true);
        plot_->plot()->replot();
        QCOMPARE(plot_->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(plot_->plot()->yAxis->range().lower > 0);
        int gaps = 0;
        for (const auto& [x, y] : plot_->drawnPoints(0))
            gaps += std::isnan(y);
        QCOMPARE(gaps, 2);
        // The read-out still gives the stored value.
        plot_->showReadout(21);
        QVERIFY2(plot_->readoutText().contains(QStringLiteral("l  -1")),
                 qPrintable(plot_->readoutText()));
    }

    void readoutShowsEachCurveAtTheCursor() {
        plot_->showReadout(40000.2);
        const QStringList lines = plot_->readoutText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3); // the x, then the two runs that reached step 40000
        QCOMPARE(lines[0], QStringLiteral("step 40000"));
        QCOMPARE(lines[1], QStringLiteral("#1 a  %1").arg(plot_->yValues(0)[39999], 0, 'g', 5));
        QVERIFY(lines[2].startsWith(QStringLiteral("#2 b  ")));
        plot_->hideReadout();
        QVERIFY(plot_->readoutText().isEmpty());
        // Hovering with the mouse shows it too.
        const QPoint at = plot_->plot()->axisRect()->center();
        QTest::mouseMove(plot_->plot(), at);
        QTRY_VERIFY(!plot_->readoutText().isEmpty());
    }

    void legendSitsOutsideThePlotArea() {
        const QRect axes = plot_->plot()->axisRect()->outerRect();
        const QRect legend = plot_->plot()->legend->outerRect();
        QVERIFY(plot_->plot()->legend->visible());
        QVERIFY(!axes.intersects(legend));
        QVERIFY(legend.left() >= axes.right());
        QCOMPARE(plot_->plot()->legend->itemCount(), 3);
    }

    void emptyPlotSaysWhy() {
        plot_->setEmptyText(QStringLiteral("nothing here"));
        plot_->setCurves({});
        QCOMPARE(plot_->emptyText(), QStringLiteral("nothing here"));
    }

    void exportsPngSvgAndPdf() {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("plot.png"));
        QCOMPARE(plot_->exportTo(png), QString());
        const QImage image(png);
        QCOMPARE(image.size(), plot_->plot()->size());
        const QString svg = dir.filePath(QStringLiteral("plot.svg"));
        QCOMPARE(plot_->exportTo(svg), QString());
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svgText = svgFile.readAll();
        QVERIFY(svgText.contains("<svg"));
        QVERIFY(svgText.contains("<path") || svgText.contains("<polyline"));
        const QString pdf = dir.filePath(QStringLiteral("plot.pdf"));
        QCOMPARE(plot_->exportTo(pdf), QString());
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(plot_->exportTo(dir.filePath(QStringLiteral("plot.bmpx")))
                    .contains(QStringLiteral("unknown image type")));
        // The export's own layout re-decimated; the plot on screen is as it was.
        plot_->plot()->replot();
        QVERIFY(envelopeOf(plot_->drawnPoints(0), shownColumns(*plot_)) ==
                envelopeOf(wholeSeries(*plot_, 0), shownColumns(*plot_)));
    }

    void drawsThePixelsOneRasterOfAllCurvesWould() {
        // Enough points for two threads, each drawing its curves into an image of its own:
        // the plot must show exactly what drawing every curve in turn into one image shows.
        OverlayPlot plot;
        plot.resize(900, 500);
        QVector<OverlayCurve> curves;
        for (int c = 0; c < 4; ++c)
            curves.append(
                lossCurve(70000 - 5000 * c, unsigned(10 + c), QStringLiteral("#%1").arg(c)));
        plot.setCurves(curves);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        const QRect area = plot.plot()->axisRect()->rect();
        const auto expected = [&plot, area](int hidden) {
            // The axes' mapping as the plot works it out: a line through two of its points.
            const auto line = [](const QCPAxis* axis, int origin) {
                const double at0 = axis->coordToPixel(0) - origin;
                return std::pair{axis->coordToPixel(1) - origin - at0, at0};
            };
            // Column c draws the x in [c, c + 1) of the axis rect, as decimation's column c.
            auto [xScale, xOffset] = line(plot.plot()->xAxis, area.left());
            xOffset -= 0.5;
            const auto [yScale, yOffset] = line(plot.plot()->yAxis, area.top());
            QImage image(area.size(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::transparent);
            PolylineRaster raster(image);
            for (int c = 0; c < plot.curveCount(); ++c) {
                if (c == hidden)
                    continue;
                raster.setColour(qPremultiply(runpalette::colour(c).rgba()));
                raster.breakLine();
                for (const auto& [x, y] : plot.drawnPoints(c))
                    raster.lineTo(xScale * x + xOffset, yScale * y + yOffset);
            }
            raster.finish();
            return image;
        };
        const auto mismatches = [&](const QImage& want) {
            const QImage shot = plot.plot()->toPixmap().toImage();
            int wrong = 0;
            // Inside the axes' lines and the ticks they draw inwards, over the curves.
            constexpr int kTicks = 6;
            for (int y = kTicks; y < area.height() - kTicks; ++y)
                for (int x = kTicks; x < area.width() - kTicks; ++x) {
                    const QRgb drawn = shot.pixel(area.left() + x, area.top() + y);
                    const QRgb curve = want.pixel(x, y);
                    if (qAlpha(curve) != 0) {
                        wrong += drawn != curve;
                        continue;
                    }
                    for (int c = 0; c < plot.curveCount(); ++c) // no curve where none runs
                        wrong += drawn == runpalette::colour(c).rgb();
                }
            return wrong;
        };
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(mismatches(expected(-1)), 0);
        // Zoomed, then with a curve hidden: drawn anew, not the images of before.
        plot.plot()->xAxis->setRange(20000, 26000);
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(mismatches(expected(-1)), 0);
        plot.graph(3)->setVisible(false);
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(mismatches(expected(3)), 0);
    }

    void paletteKeepsTwentyRunsApart() {
        double minimum = 1e9;
        for (int a = 0; a < runpalette::kColours; ++a) {
            double la = 0, aa = 0, ba = 0;
            runpalette::lab(runpalette::colour(a), la, aa, ba);
            QVERIFY2(la < 80, qPrintable(runpalette::colour(a).name())); // seen on white
            for (int b = a + 1; b < runpalette::kColours; ++b) {
                double lb = 0, ab = 0, bb = 0;
                runpalette::lab(runpalette::colour(b), lb, ab, bb);
                minimum = std::min(minimum, std::hypot(la - lb, aa - ab, ba - bb));
            }
        }
        QVERIFY2(minimum >= 25, qPrintable(QString::number(minimum)));
        // Past 20 runs the colours come again.
        QCOMPARE(runpalette::pen(20).color(), runpalette::colour(0));
        QCOMPARE(runpalette::pen(3).style(), Qt::SolidLine);
        QCOMPARE(plot_->graph(1)->pen().color(), runpalette::colour(1));
        // A known colour, to check the conversion itself: sRGB white is L*100, a*0, b*0.
        double l = 0, a = 0, b = 0;
        runpalette::lab(Qt::white, l, a, b);
        QVERIFY(std::abs(l - 100) < 0.05 && std::abs(a) < 0.05 && std::abs(b) < 0.05);
    }

private:
    std::unique_ptr<OverlayPlot> plot_;
};

QTEST_MAIN(TestOverlayPlot)
#include "tst_overlayplot.moc"
