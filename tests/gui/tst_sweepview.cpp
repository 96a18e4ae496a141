// The sweep view driven as a person would: drag a range on a parallel-coordinates axis, click
// an axis to clear it, choose scatter fields, select leaderboard rows to compare, export.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "../common/SweepReportFixture.h"
#include "../common/TestSupport.h"

#include "FigureExport.h"
#include "ParallelCoordinatesPlot.h"
#include "SweepLeaderboardModel.h"
#include "SweepView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

using namespace trainlab;

namespace {

const QString kLr = QStringLiteral("training.optimizer.lr");
const QString kAccuracy = QStringLiteral("val_accuracy");

QVector<int> leaderboardTrials(const SweepLeaderboardModel* model) {
    QVector<int> trials;
    for (int row = 0; row < model->rowCount(); ++row)
        trials.append(model->trialAt(row)->trial);
    return trials;
}

void dragAlong(QWidget* widget, QPointF from, QPointF to) {
    QTest::mousePress(widget, Qt::LeftButton, {}, from.toPoint());
    QTest::mouseMove(widget, ((from + to) / 2).toPoint());
    QTest::mouseMove(widget, to.toPoint());
    QTest::mouseRelease(widget, Qt::LeftButton, {}, to.toPoint());
}

} // namespace

class TestSweepView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        view_ = std::make_unique<SweepView>();
        view_->resize(1000, 760);
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
        sweep_ = sweepSummaryFromReport(test::sweepReport());
        view_->showSweep(sweep_);
    }

    void theLeaderboardRanksByTheObjective() {
        QAbstractItemModelTester tester(view_->leaderboard(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(leaderboardTrials(view_->leaderboard()), (QVector<int>{2, 6, 3, 1, 4, 5}));
        const auto* model = view_->leaderboard();
        QCOMPARE(model->index(0, SweepLeaderboardModel::Rank).data().toInt(), 1);
        QCOMPARE(model->index(4, SweepLeaderboardModel::Rank).data(), QVariant()); // pruned
        QCOMPARE(model->index(4, SweepLeaderboardModel::Status).data().toString(),
                 QStringLiteral("pruned"));
        QCOMPARE(model->fieldAt(SweepLeaderboardModel::Count), kAccuracy);
        QCOMPARE(model->index(0, SweepLeaderboardModel::Count).data(Qt::EditRole).toDouble(), 0.91);
        QVERIFY2(
            view_->headline().contains(QStringLiteral("6 trials: 4 completed, 1 pruned, 1 failed")),
            qPrintable(view_->headline()));
        QVERIFY(view_->headline().contains(QStringLiteral("best: trial 2")));
    }

    void brushingAnAxisNarrowsTheLeaderboard() {
        ParallelCoordinatesPlot* plot = view_->parallelPlot();
        QCOMPARE(plot->axes(), (QStringList{kLr, QStringLiteral("training.optimizer.type"),
                                            kAccuracy, QStringLiteral("energy_j")}));
        QSignalSpy filter(view_.get(), &SweepView::filterChanged);
        // Drag on the learning-rate axis from 0.2 down to 0.005.
        dragAlong(plot, plot->pointOn(kLr, 0.2), plot->pointOn(kLr, 0.005));
        QCOMPARE(plot->brushes().size(), 1);
        const AxisBrush brush = plot->brushes().front();
        // The trials whose learning rate lies in the brushed range, worked out here.
        QVector<int> expected;
        for (const SweepTrialPoint& t : sweep_.trials) {
            const double lr = t.params.value(kLr).toDouble();
            if (lr >= brush.low && lr <= brush.high)
                expected.append(t.trial);
        }
        QCOMPARE(expected, (QVector<int>{2, 3, 6}));
        QVector<int> shown = leaderboardTrials(view_->leaderboard());
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, expected);
        QVERIFY(!filter.isEmpty());
        QList<qint64> runs = filter.last().at(0).value<QList<qint64>>();
        std::sort(runs.begin(), runs.end());
        QCOMPARE(runs, (QList<qint64>{102, 103, 106}));
        QVERIFY(filter.last().at(1).toBool());

        // A second brush, on the objective: both must hold.
        dragAlong(plot, plot->pointOn(kAccuracy, 0.87), plot->pointOn(kAccuracy, 0.95));
        QCOMPARE(plot->brushes().size(), 2);
        QCOMPARE(leaderboardTrials(view_->leaderboard()), (QVector<int>{2, 6}));

        // A new read of the same sweep keeps the brush.
        view_->showSweep(sweep_);
        QCOMPARE(leaderboardTrials(view_->leaderboard()), (QVector<int>{2, 6}));

        // A click on an axis clears its brush; the button clears the rest.
        QTest::mouseClick(plot, Qt::LeftButton, {}, plot->pointOn(kAccuracy, 0.5).toPoint());
        QCOMPARE(plot->brushes().size(), 1);
        auto* clear = view_->findChild<QPushButton*>(QStringLiteral("clearBrushButton"));
        QVERIFY(clear->isEnabled());
        QTest::mouseClick(clear, Qt::LeftButton);
        QVERIFY(plot->brushes().isEmpty());
        QCOMPARE(view_->leaderboard()->rowCount(), 6);
        QVERIFY(!filter.last().at(1).toBool());
    }

    void chartsDrawTheTrialsApartByStatus() {
        // Objective by trial: completed and pruned marks, the best so far, failed crosses.
        QCustomPlot* history = view_->historyPlot();
        QCOMPARE(history->graphCount(), 4);
        QCOMPARE(history->graph(0)->data()->size(), 4); // completed
        QCOMPARE(history->graph(1)->data()->size(), 1); // pruned
        QCPGraph* best = history->graph(2);
        QCOMPARE(best->data()->size(), 6);
        QCOMPARE(best->data()->at(0)->value, 0.80);
        QCOMPARE(best->data()->at(5)->value, 0.91);
        QCOMPARE(history->graph(3)->data()->size(), 1); // failed

        // Scatter: the learning rate against the objective, chosen in the boxes.
        view_->charts()->setCurrentIndex(2);
        QComboBox* x = view_->scatterXBox();
        QComboBox* y = view_->scatterYBox();
        x->setCurrentIndex(x->findText(kLr));
        Q_EMIT x->activated(x->currentIndex());
        y->setCurrentIndex(y->findText(kAccuracy));
        Q_EMIT y->activated(y->currentIndex());
        QCustomPlot* scatter = view_->scatterPlot();
        QCOMPARE(scatter->graph(0)->data()->size(), 4);
        QCOMPARE(scatter->graph(1)->data()->size(), 1);
        QCOMPARE(scatter->graph(2)->data()->size(), 0); // failed: no accuracy
        QCOMPARE(scatter->xAxis->scaleType(), QCPAxis::stLogarithmic);

        // The Pareto front of accuracy (max) and energy (min): trials 1 and 2.
        QCustomPlot* pareto = view_->paretoPlot();
        auto* front = qobject_cast<QCPCurve*>(pareto->plottable(1));
        QVERIFY(front);
        QCOMPARE(front->data()->size(), 2);
        // Importance: one bar a parameter.
        auto* bars = qobject_cast<QCPBars*>(view_->importancePlot()->plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->data()->size(), 2);
    }

    void aSingleObjectiveSweepSaysWhyThereIsNoFront() {
        QJsonObject report = test::sweepReport();
        QJsonArray objectives = report.value(QStringLiteral("objective")).toArray();
        objectives.removeLast();
        report.insert(QStringLiteral("objective"), objectives);
        view_->showSweep(sweepSummaryFromReport(report));
        QCOMPARE(view_->paretoPlot()->plottableCount(), 0);
        QCOMPARE(view_->paretoPlot()->itemCount(), 1); // the hint
    }

    void selectedTrialsAreCompared() {
        QTableView* table = view_->leaderboardView();
        auto* compare = view_->findChild<QPushButton*>(QStringLiteral("compareTrialsButton"));
        QVERIFY(!compare->isEnabled());
        const auto rowCenter = [table](int row) {
            return table->visualRect(table->model()->index(row, 1)).center();
        };
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rowCenter(0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCenter(2));
        QVERIFY(compare->isEnabled());
        QSignalSpy requested(view_.get(), &SweepView::compareRequested);
        QTest::mouseClick(compare, Qt::LeftButton);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).value<QList<qint64>>(), (QList<qint64>{102, 103}));

        QSignalSpy opened(view_.get(), &SweepView::runActivated);
        // A double-click is a press and release, then the second press.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rowCenter(1));
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rowCenter(1));
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(0).toLongLong(), 106);
    }

    void chartsAndTheLeaderboardExport() {
        QTemporaryDir dir;
        QString error;
        for (int tab : {0, 2}) {
            view_->charts()->setCurrentIndex(tab);
            for (const char* suffix : {"png", "svg", "pdf"}) {
                const QString path = dir.filePath(
                    QStringLiteral("chart%1.%2").arg(tab).arg(QString::fromLatin1(suffix)));
                QVERIFY2(view_->saveCurrentChart(path, &error), qPrintable(error));
                QVERIFY(QFileInfo(path).size() > 500);
            }
        }
        QVERIFY(!QImage(dir.filePath(QStringLiteral("chart0.png"))).isNull());
        QVERIFY(test::readFile(dir.filePath(QStringLiteral("chart0.svg"))).contains("<svg"));
        QVERIFY(test::readFile(dir.filePath(QStringLiteral("chart2.pdf"))).startsWith("%PDF"));
        QVERIFY(!view_->saveCurrentChart(dir.filePath(QStringLiteral("x.db")), &error));
        QVERIFY2(error.contains(QStringLiteral(".png, .svg or .pdf")), qPrintable(error));

        const QString csv = dir.filePath(QStringLiteral("leaderboard.csv"));
        QVERIFY2(saveTableCsv(view_->leaderboard(), csv, &error, Qt::EditRole), qPrintable(error));
        const QList<QByteArray> lines = test::readFile(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 7);
        QVERIFY2(lines[0].startsWith("Rank,Trial,Run,Status,val_accuracy,energy_j,"),
                 lines[0].constData());
        QVERIFY2(lines[1].startsWith("1,2,102,completed,0.91"), lines[1].constData());
    }

private:
    std::unique_ptr<SweepView> view_;
    SweepSummary sweep_;
};

QTEST_MAIN(TestSweepView)
#include "tst_sweepview.moc"
