// The metric plot's states: empty (it says why instead of drawing bare axes), one point (seen,
// with a sensible range), a legend that stays off the curves; and the controls above the plots
// driven as a person does: smoothing (TensorBoard's debiased moving average), log scale, x by
// epoch or wall time, zoom and pan shared by every plot, the read-out under the cursor.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "MetricPlot.h"
#include "PlotControls.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

using namespace trainlab;

namespace {

const QString kLoss = QStringLiteral("train_loss");

/// `values` as one run's train_loss at steps 100, 200, ..., epochs 0.25, 0.5, ..., wall times
/// 1000 s, 1003 s, ...
QVector<MetricPoint> lossPoints(qint64 run, const QVector<double>& values, int first = 0) {
    QVector<MetricPoint> points;
    for (int i = first; i < first + values.size(); ++i)
        points.append(
            {run, 100 * (i + 1), 0.25 * (i + 1), kLoss, values[i - first], 1000.0 + 3 * i});
    return points;
}

QVector<double> keysOf(const QCPGraph* graph) {
    QVector<double> keys;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        keys.append(it->key);
    return keys;
}

QVector<double> valuesOf(const QCPGraph* graph) {
    QVector<double> values;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        values.append(it->value);
    return values;
}

/// TensorBoard's smoothing written out: a zero-started average divided by 1 - w^n.
QVector<double> expectedSmoothing(const QVector<double>& values, double w) {
    QVector<double> smoothed;
    double last = 0;
    for (int i = 0; i < values.size(); ++i) {
        last = last * w + (1 - w) * values[i];
        smoothed.append(last / (1 - std::pow(w, i + 1)));
    }
    return smoothed;
}

void compareValues(const QVector<double>& actual, const QVector<double>& expected) {
    QCOMPARE(actual.size(), expected.size());
    for (int i = 0; i < actual.size(); ++i)
        QVERIFY2(
            std::abs(actual[i] - expected[i]) < 1e-12,
            qPrintable(QStringLiteral("[%1] %2 != %3").arg(i).arg(actual[i]).arg(expected[i])));
}

/// The controls over two linked plots, shown as in the Runs page.
struct PlotPage {
    QWidget host;
    PlotControls* controls = new PlotControls;
    MetricPlot* loss = new MetricPlot(QStringLiteral("Loss"), {kLoss, QStringLiteral("val_loss")});
    MetricPlot* accuracy =
        new MetricPlot(QStringLiteral("Accuracy"), {QStringLiteral("train_accuracy")});

    PlotPage() {
        auto* layout = new QVBoxLayout(&host);
        layout->addWidget(controls);
        layout->addWidget(loss);
        layout->addWidget(accuracy);
        controls->addPlot(loss);
        controls->addPlot(accuracy);
        host.resize(700, 800);
        host.show();
        loss->showRun(1);
        accuracy->showRun(1);
    }
    void replot() {
        loss->plot()->replot();
        accuracy->plot()->replot();
    }
    QPoint pixelAt(MetricPlot* plot, double x) const {
        return QPoint(int(plot->plot()->xAxis->coordToPixel(x)),
                      plot->plot()->axisRect()->rect().center().y());
    }
};

QCPRange xRange(const MetricPlot* plot) {
    return plot->plot()->xAxis->range();
}

} // namespace

class TestMetricPlot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyPlotSaysWhy() {
        MetricPlot plot(QStringLiteral("Loss"), {QStringLiteral("train_loss")});
        QVERIFY(plot.emptyText().contains(QStringLiteral("Select a run")));
        plot.showRun(7);
        QVERIFY(plot.emptyText().contains(QStringLiteral("Waiting")));
        plot.addPoints({{7, 10, 0.5, QStringLiteral("train_loss"), 1.2, 0}});
        QVERIFY(plot.emptyText().isEmpty());
        plot.setSeries(7, {});
        QVERIFY(!plot.emptyText().isEmpty()); // history said: nothing yet
    }

    void onePointIsSeenInASensibleRange() {
        MetricPlot plot(QStringLiteral("Loss"), {QStringLiteral("train_loss")});
        plot.showRun(1);
        plot.addPoints({{1, 875, 3.0, QStringLiteral("train_loss"), 0.4, 0}});
        QCPGraph* graph = plot.graph(QStringLiteral("train_loss"));
        QVERIFY(graph->scatterStyle().shape() != QCPScatterStyle::ssNone);
        const QCPRange x = plot.plot()->xAxis->range();
        QVERIFY2(x.lower < 875 && x.upper > 875 && x.size() <= 4,
                 qPrintable(QStringLiteral("%1..%2").arg(x.lower).arg(x.upper)));
        const QCPRange y = plot.plot()->yAxis->range();
        QVERIFY(y.lower < 0.4 && y.upper > 0.4);
        plot.addPoints({{1, 900, 3.1, QStringLiteral("train_loss"), 0.3, 0}});
        QCOMPARE(graph->scatterStyle().shape(), QCPScatterStyle::ssNone); // a line now
    }

    void legendStaysOffTheCurves() {
        MetricPlot plot(QStringLiteral("Loss"),
                        {QStringLiteral("train_loss"), QStringLiteral("val_loss")});
        plot.resize(600, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.showRun(1);
        plot.addPoints({{1, 1, 0.1, QStringLiteral("train_loss"), 2, 0},
                        {1, 2, 0.2, QStringLiteral("train_loss"), 1, 0}});
        plot.plot()->replot();
        const QRect legend = plot.plot()->legend->outerRect();
        const QRect axes = plot.plot()->axisRect()->rect();
        QVERIFY(legend.isValid());
        QVERIFY2(!legend.intersects(axes), "the legend covers the plotting area");
    }

    void smoothingFollowsTheEmaFormula() {
        PlotControls controls;
        MetricPlot plot(QStringLiteral("Loss"), {kLoss});
        controls.addPlot(&plot);
        QCOMPARE(plot.options().smoothing, 0.6); // TensorBoard's default
        plot.showRun(1);
        const QVector<double> values = {1, 3, 2, 5, 4, 4.5};
        plot.addPoints(lossPoints(1, values));
        QTest::keyClick(controls.smoothingSlider(), Qt::Key_PageDown);
        QCOMPARE(plot.options().smoothing, 0.5);
        compareValues(valuesOf(plot.graph(kLoss)), expectedSmoothing(values, 0.5));
        QCOMPARE(plot.graph(kLoss)->data()->at(0)->value, 1.0); // debiased: not pulled to 0
        QVERIFY(plot.rawGraph(kLoss)->visible());               // the raw curve stays behind
        compareValues(valuesOf(plot.rawGraph(kLoss)), values);

        // A live point continues the same average.
        plot.addPoints(lossPoints(1, {7}, int(values.size())));
        compareValues(valuesOf(plot.graph(kLoss)), expectedSmoothing(values + QVector{7.0}, 0.5));

        QTest::keyClick(controls.smoothingSlider(), Qt::Key_Home);
        QCOMPARE(plot.options().smoothing, 0.0);
        compareValues(valuesOf(plot.graph(kLoss)), values + QVector{7.0});
        QVERIFY(!plot.rawGraph(kLoss)->visible()); // it would be drawn twice
        QTest::keyClick(controls.smoothingSlider(), Qt::Key_End);
        QCOMPARE(plot.options().smoothing, 0.99); // never 1, which would freeze the curve
        compareValues(valuesOf(plot.graph(kLoss)), expectedSmoothing(values + QVector{7.0}, 0.99));
    }

    void logScaleLeavesOutValuesItCannotDraw() {
        PlotPage page;
        QVERIFY(QTest::qWaitForWindowExposed(&page.host));
        QTest::keyClick(page.controls->smoothingSlider(), Qt::Key_Home);
        page.loss->addPoints(lossPoints(1, {2, 0, -1, 0.5, 4}));
        QTest::mouseClick(page.controls->logScaleBox(), Qt::LeftButton);
        QVERIFY(page.controls->logScaleBox()->isChecked());
        QCOMPARE(page.loss->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        compareValues(valuesOf(page.loss->rawGraph(kLoss)), {2, 0.5, 4});
        QCOMPARE(page.loss->pointCount(kLoss), 5); // kept, only not drawn
        QVERIFY2(page.loss->noticeText().contains(QStringLiteral("2 values")),
                 qPrintable(page.loss->noticeText()));
        const QCPRange y = page.loss->plot()->yAxis->range();
        QVERIFY2(y.lower > 0 && y.lower < 0.5 && y.upper > 4,
                 qPrintable(QStringLiteral("%1..%2").arg(y.lower).arg(y.upper)));
        // An empty plot on a log scale keeps a valid range too.
        QVERIFY(page.accuracy->plot()->yAxis->range().lower > 0);

        // Smoothed over the non-positive values, the curve has only positive points.
        QTest::keyClick(page.controls->smoothingSlider(), Qt::Key_PageUp);
        for (double value : valuesOf(page.loss->graph(kLoss)))
            QVERIFY(value > 0);

        QTest::mouseClick(page.controls->logScaleBox(), Qt::LeftButton);
        QCOMPARE(page.loss->plot()->yAxis->scaleType(), QCPAxis::stLinear);
        QCOMPARE(page.loss->rawGraph(kLoss)->dataCount(), 5);
        QVERIFY(page.loss->noticeText().isEmpty());
        QVERIFY(page.loss->plot()->yAxis->range().lower < -1);
    }

    void xAxisCountsStepsEpochsOrWallTime() {
        PlotControls controls;
        MetricPlot plot(QStringLiteral("Loss"), {kLoss});
        controls.addPlot(&plot);
        plot.showRun(1);
        plot.addPoints(lossPoints(1, {1, 2, 3, 4}));
        compareValues(keysOf(plot.graph(kLoss)), {100, 200, 300, 400});
        QTest::keyClick(controls.xAxisBox(), Qt::Key_Down);
        QCOMPARE(plot.options().x, PlotXAxis::Epoch);
        QCOMPARE(plot.plot()->xAxis->label(), QStringLiteral("epoch"));
        compareValues(keysOf(plot.graph(kLoss)), {0.25, 0.5, 0.75, 1.0});
        QVERIFY(xRange(&plot).lower <= 0.25 && xRange(&plot).upper >= 1.0 &&
                xRange(&plot).upper < 2);
        QTest::keyClick(controls.xAxisBox(), Qt::Key_Down);
        QCOMPARE(plot.options().x, PlotXAxis::WallTime);
        compareValues(keysOf(plot.graph(kLoss)), {0, 3, 6, 9}); // seconds since the first
        plot.addPoints(lossPoints(1, {5}, 4));                  // a live point, 12 s in
        QCOMPARE(keysOf(plot.graph(kLoss)).last(), 12.0);
        QVERIFY(xRange(&plot).upper >= 12);
    }

    void zoomAndPanMoveEveryPlot() {
        PlotPage page;
        QVERIFY(QTest::qWaitForWindowExposed(&page.host));
        QVector<MetricPoint> accuracy;
        for (int step = 1; step <= 100; ++step)
            accuracy.append({1, step, 0, QStringLiteral("train_accuracy"), 0.5, 0});
        QVector<MetricPoint> loss;
        for (int step = 1; step <= 200; ++step)
            loss.append({1, step, 0, kLoss, 1.0 / step, 0});
        page.accuracy->addPoints(accuracy);
        page.loss->addPoints(loss);
        page.replot();
        // Fitted, both show the same x range: all of the longer series.
        QCOMPARE(xRange(page.accuracy), xRange(page.loss));
        QVERIFY(xRange(page.loss).lower <= 1 && xRange(page.loss).upper >= 200);

        // Drag the loss plot to the left: both move, and stop following new points.
        const QPoint start = page.loss->plot()->axisRect()->rect().center();
        QTest::mousePress(page.loss->plot(), Qt::LeftButton, {}, start);
        QTest::mouseMove(page.loss->plot(), start + QPoint(-150, 0));
        QTest::mouseRelease(page.loss->plot(), Qt::LeftButton, {}, start + QPoint(-150, 0));
        const QCPRange panned = xRange(page.loss);
        QVERIFY2(panned.lower > 10, qPrintable(QString::number(panned.lower)));
        QCOMPARE(xRange(page.accuracy), panned);
        QVERIFY(!page.loss->fitsData() && !page.accuracy->fitsData());
        QVector<MetricPoint> more;
        for (int step = 201; step <= 300; ++step)
            more.append({1, step, 0, kLoss, 1.0 / step, 0});
        page.loss->addPoints(more);
        QCOMPARE(xRange(page.loss), panned);

        // The wheel zooms around the cursor; the other plot follows.
        page.replot();
        const QPoint at = page.pixelAt(page.accuracy, 150);
        QWheelEvent wheel(at, page.accuracy->plot()->mapToGlobal(at), {}, {0, 120}, Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(page.accuracy->plot(), &wheel);
        const QCPRange zoomed = xRange(page.accuracy);
        QVERIFY2(zoomed.size() < panned.size() * 0.95,
                 qPrintable(QStringLiteral("%1 vs %2").arg(zoomed.size()).arg(panned.size())));
        QCOMPARE(xRange(page.loss), zoomed);

        // Fit shows everything again, on both, and follows new points.
        QTest::mouseClick(page.controls->fitButton(), Qt::LeftButton);
        QVERIFY(page.loss->fitsData() && page.accuracy->fitsData());
        QVERIFY(xRange(page.loss).lower <= 1 && xRange(page.loss).upper >= 300);
        QCOMPARE(xRange(page.accuracy), xRange(page.loss));
    }

    void hoverReadsEverySeriesAtTheCursor() {
        PlotPage page;
        QVERIFY(QTest::qWaitForWindowExposed(&page.host));
        QTest::keyClick(page.controls->smoothingSlider(), Qt::Key_PageDown); // 0.5
        const QVector<double> values = {4, 2, 3, 1, 2, 1};
        page.loss->addPoints(lossPoints(1, values));
        page.loss->addPoints({{1, 300, 0.75, QStringLiteral("val_loss"), 2.5, 0},
                              {1, 600, 1.5, QStringLiteral("val_loss"), 1.25, 0}});
        page.accuracy->addPoints({{1, 300, 0.75, QStringLiteral("train_accuracy"), 0.8125, 0}});
        page.replot();
        QCOMPARE(page.loss->readoutText(), QString());

        QTest::mouseMove(page.loss->plot(), page.pixelAt(page.loss, 300));
        const QString text = page.loss->readoutText();
        const double smoothed = expectedSmoothing(values, 0.5)[2];
        QVERIFY2(text.contains(QStringLiteral("step 300")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("train_loss  %1  (raw 3)").arg(smoothed, 0, 'g', 5)),
                 qPrintable(text));
        // val_loss reads its own point nearest the cursor; debiased, its first is the raw value.
        QVERIFY2(text.contains(QStringLiteral("val_loss  2.5")), qPrintable(text));
        // The linked plot reads at the same x.
        QVERIFY2(page.accuracy->readoutText().contains(QStringLiteral("train_accuracy  0.8125")),
                 qPrintable(page.accuracy->readoutText()));

        // Off the plotting area, the read-outs go.
        QTest::mouseMove(page.loss->plot(), QPoint(2, 2));
        QCOMPARE(page.loss->readoutText(), QString());
        QCOMPARE(page.accuracy->readoutText(), QString());
    }
};

QTEST_MAIN(TestMetricPlot)
#include "tst_metricplot.moc"
