// The metric plot's states: empty (it says why instead of drawing bare axes), one point (seen,
// with a sensible range), a legend that stays off the curves.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "MetricPlot.h"

#include <QtTest>
#include <qcustomplot.h>

using namespace trainlab;

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
        QCPGraph* graph = plot.plot()->graph(0);
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
};

QTEST_MAIN(TestMetricPlot)
#include "tst_metricplot.moc"
