// The Compare view on a workspace of real runs that trainlab-cli trains (synthetic blobs, three
// runs that differ in two spec fields): three curves, a diff of exactly those two fields,
// final and best values equal to what `show --json` reports from the stored summaries, what
// each run saved against the first (the stored figures' differences), the exports, and the
// main window's Compare action over a multi-row selection.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "../common/CliSupport.h"

#include "CompareView.h"
#include "ConfigDiffModel.h"
#include "MainWindow.h"
#include "MetricFiguresModel.h"
#include "OverlayPlot.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"
#include "SavingsModel.h"

#include "store/HistoryReader.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <qcustomplot.h>

using namespace trainlab;
using test::parseJson;
using test::runCli;

namespace {

const char* kSpec = R"({
  "trainlab": 1, "name": "blobs",
  "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 320,
              "classes": 3, "features": 4, "noise": 1.5}, "validation_split": 0.25},
  "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"}, {"type": "linear"}]},
  "training": {"epochs": 3, "batch_size": 16, "threads": 1,
               "optimizer": {"type": "adam", "lr": 0.01}},
  "devices": "cpu"
})";

QStringList columnOf(const QAbstractItemModel& model, int column) {
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values << model.data(model.index(row, column)).toString();
    return values;
}

QList<QByteArray> linesOf(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

class TestCompareView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        db_ = dir_.filePath(QStringLiteral("compare.db"));
        const QString spec = dir_.filePath(QStringLiteral("blobs.json"));
        QFile file(spec);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kSpec);
        file.close();
        // Three runs: the second changes the learning rate, the third the batch size too.
        const QList<QStringList> overrides = {
            {},
            {QStringLiteral("--set"), QStringLiteral("training.optimizer.lr=0.05")},
            {QStringLiteral("--set"), QStringLiteral("training.optimizer.lr=0.05"),
             QStringLiteral("--set"), QStringLiteral("training.batch_size=32")}};
        for (const QStringList& set : overrides) {
            const auto result =
                runCli(QStringList{QStringLiteral("run"), spec, QStringLiteral("--db"), db_,
                                   QStringLiteral("--json")} +
                       set);
            QVERIFY2(result.exitCode == 0, result.err.constData());
            const QJsonObject report = parseJson(result.out).object();
            runs_.append(qint64(report.value(QStringLiteral("id")).toInteger()));
            reports_.append(report);
        }
        history_ = std::make_unique<HistoryReaderHost>(db_);
    }

    void init() {
        view_ = std::make_unique<CompareView>(history_.get(), db_);
        view_->resize(1100, 800);
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
    }
    void cleanup() { view_.reset(); }

    void showsThreeCurvesTheDiffAndTheStoredFigures() {
        QAbstractItemModelTester diffTester(view_->diffModel());
        QAbstractItemModelTester metricsTester(view_->metricsModel());
        QSignalSpy curves(view_.get(), &CompareView::curvesShown);
        view_->setRuns(runs_);
        QVERIFY(curves.wait(20000));

        // Three curves of the validation loss, each with the run's every point.
        QCOMPARE(view_->series(), QStringLiteral("val_loss"));
        OverlayPlot* overlay = view_->overlay();
        QCOMPARE(overlay->curveCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(overlay->drawnPoints(i).size(), size_t(3));
            QCOMPARE(overlay->xValues(i).size(), size_t(3)); // one a epoch
            QVERIFY(overlay->graph(i)->name().startsWith(QStringLiteral("#%1 ").arg(runs_[i])));
        }

        // Exactly the two fields that differ; the environment is the same machine's.
        const ConfigDiffModel* diff = view_->diffModel();
        QCOMPARE(columnOf(*diff, ConfigDiffModel::Field),
                 (QStringList{QStringLiteral("training.batch_size"),
                              QStringLiteral("training.optimizer.lr")}));
        QCOMPARE(diff->columnCount(), ConfigDiffModel::Count + 3);
        QCOMPARE(diff->data(diff->index(0, ConfigDiffModel::Count)).toString(),
                 QStringLiteral("16"));
        QCOMPARE(diff->data(diff->index(0, ConfigDiffModel::Count + 2)).toString(),
                 QStringLiteral("32"));
        QCOMPARE(diff->data(diff->index(1, ConfigDiffModel::Count)).toString(),
                 QStringLiteral("0.01"));
        QCOMPARE(diff->data(diff->index(1, ConfigDiffModel::Count + 1)).toString(),
                 QStringLiteral("0.05"));

        // Final and best of every metric: what `show --json` reports from the same summaries.
        const MetricFiguresModel* metrics = view_->metricsModel();
        int checked = 0;
        for (int row = 0; row < metrics->rowCount(); ++row) {
            const QString name =
                metrics->data(metrics->index(row, MetricFiguresModel::Metric)).toString();
            const bool best =
                metrics->data(metrics->index(row, MetricFiguresModel::Figure)).toString() !=
                QStringLiteral("final");
            // Energy so far is a running total: its least value (the first step's) is no "best".
            QVERIFY(!(best && name == QStringLiteral("energy_j")));
            for (int run = 0; run < 3; ++run) {
                const QJsonObject stored =
                    reports_[run]
                        .value(best ? QStringLiteral("best") : QStringLiteral("final"))
                        .toObject();
                const auto shown = metrics->value(row, run);
                QCOMPARE(shown.has_value(), stored.contains(name));
                if (shown) {
                    QCOMPARE(*shown, stored.value(name).toDouble());
                    ++checked;
                }
            }
        }
        QVERIFY2(checked >= 3 * 6, qPrintable(QString::number(checked)));
        QVERIFY(metrics->rowCount() > 0);

        // What runs 2 and 3 saved against run 1: the differences of the stored figures.
        SavingsModel* savings = view_->savingsModel();
        QAbstractItemModelTester savingsTester(savings);
        QCOMPARE(savings->rowCount(), 3);
        QCOMPARE(savings->data(savings->index(0, SavingsModel::TimeSaved)).toString(),
                 QStringLiteral("baseline"));
        for (int run = 1; run < 3; ++run) {
            const RunSavings& s = savings->savings(run);
            QVERIFY(s.energyJ && s.deviceHours);
            QCOMPARE(*s.energyJ, reports_[0].value(QStringLiteral("energy_j")).toDouble() -
                                     reports_[run].value(QStringLiteral("energy_j")).toDouble());
            QCOMPARE(*s.deviceHours,
                     reports_[0].value(QStringLiteral("device_hours")).toDouble() -
                         reports_[run].value(QStringLiteral("device_hours")).toDouble());
            const auto accuracy = [&](int r) {
                return reports_[r]
                    .value(QStringLiteral("final"))
                    .toObject()
                    .value(s.accuracyMetric)
                    .toDouble();
            };
            QVERIFY(s.accuracyMetric == QStringLiteral("test_accuracy") ||
                    s.accuracyMetric == QStringLiteral("val_accuracy"));
            QCOMPARE(*s.accuracyChange, accuracy(run) - accuracy(0));
        }

        // The chooser lists the runs' metrics; another one is overlaid on demand.
        QVERIFY(view_->seriesChooser()->findData(QStringLiteral("train_loss")) >= 0);
        QVERIFY(view_->seriesChooser()->findData(QStringLiteral("val_accuracy")) >= 0);
        QVERIFY(view_->showSeries(QStringLiteral("train_loss")));
        QVERIFY(curves.wait(20000));
        QVERIFY(overlay->xValues(0).size() > 3);
        QVERIFY(!view_->showSeries(QStringLiteral("no_such_metric")));

        // Energy on x only when every run recorded it (these runs did: the CLI measures them).
        const bool energy = reports_[0]
                                .value(QStringLiteral("final"))
                                .toObject()
                                .contains(QStringLiteral("energy_j"));
        QCOMPARE(view_->xChooser()->findData(int(OverlayX::Energy)) >= 0, energy);
        QCOMPARE(view_->comparison().energyRecorded, energy);
        if (energy) {
            view_->xChooser()->setCurrentIndex(view_->xChooser()->findData(int(OverlayX::Energy)));
            Q_EMIT view_->xChooser()->activated(view_->xChooser()->currentIndex());
            QCOMPARE(overlay->xAxis(), OverlayX::Energy);
            const auto& joules = overlay->xValues(0);
            QVERIFY(std::is_sorted(joules.begin(), joules.end()));
            QVERIFY(joules.back() > 0);
        }
    }

    void exportsThePlotTheTablesAndEverySeries() {
        QSignalSpy curves(view_.get(), &CompareView::curvesShown);
        view_->setRuns(runs_);
        QVERIFY(curves.wait(20000));
        QTemporaryDir out;
        for (const char* suffix : {"png", "svg", "pdf"}) {
            const QString path = out.filePath(QStringLiteral("plot.") + QLatin1String(suffix));
            QCOMPARE(view_->exportPlot(path), QString());
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QVERIFY(!QImage(out.filePath(QStringLiteral("plot.png"))).isNull());

        const QString diffCsv = out.filePath(QStringLiteral("diff.csv"));
        QCOMPARE(view_->exportDiffCsv(diffCsv), QString());
        const auto diffLines = linesOf(diffCsv);
        QCOMPARE(diffLines.size(), 3); // the header and the two fields
        QVERIFY(diffLines[0].startsWith("Field,#"));
        QVERIFY(diffLines[2].startsWith("training.optimizer.lr,0.01,0.05,0.05"));

        const QString metricsCsv = out.filePath(QStringLiteral("metrics.csv"));
        QCOMPARE(view_->exportMetricsCsv(metricsCsv), QString());
        QCOMPARE(linesOf(metricsCsv).size(), view_->metricsModel()->rowCount() + 1);

        // Every series of every run: as many rows as `trainlab-cli metrics --csv` gives.
        const QString seriesCsv = out.filePath(QStringLiteral("series.csv"));
        QSignalSpy exported(view_.get(), &CompareView::seriesExported);
        view_->exportAllSeries(seriesCsv);
        QVERIFY(exported.wait(20000));
        qsizetype expected = 0;
        for (const qint64 run : runs_) {
            const auto cli = runCli({QStringLiteral("metrics"), QString::number(run),
                                     QStringLiteral("--db"), db_, QStringLiteral("--csv")});
            QCOMPARE(cli.exitCode, 0);
            expected += cli.out.count('\n') - 1;
        }
        QCOMPARE(linesOf(seriesCsv).size(), expected + 1);
        QCOMPARE(exported.first().at(1).toLongLong(), qint64(expected));

        // The workspace itself is never an export's target: refused, and left as it was.
        const qint64 size = QFileInfo(db_).size();
        QVERIFY(view_->exportDiffCsv(db_).contains(QStringLiteral("the workspace itself")));
        QVERIFY(view_->exportPlot(db_).contains(QStringLiteral("the workspace itself")));
        QSignalSpy failed(view_.get(), &CompareView::failed);
        view_->exportAllSeries(db_ + QStringLiteral("-wal"));
        QVERIFY(failed.wait(20000));
        QCOMPARE(QFileInfo(db_).size(), size);
        QCOMPARE(
            runCli({QStringLiteral("show"), QString::number(runs_[0]), QStringLiteral("--db"), db_})
                .exitCode,
            0);
    }

    void aMissingRunIsNamed() {
        QSignalSpy failed(view_.get(), &CompareView::failed);
        view_->setRuns({runs_[0], 9999});
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.first().at(0).toString().contains(QStringLiteral("no run 9999")),
                 qPrintable(failed.first().at(0).toString()));
        QVERIFY(view_->statusText().contains(QStringLiteral("no run 9999")));
    }

    void theWindowComparesTheSelectedRuns() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.runsModel()->rowCount(), 3);
        auto* view = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        QVERIFY(view);
        QVERIFY(!window.compareAction()->isEnabled());
        // Click the first row, shift-click the third: three rows, as a person selects them.
        const auto rowCenter = [view](int row) {
            return view->visualRect(view->model()->index(row, 0)).center();
        };
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rowCenter(0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, rowCenter(2));
        QCOMPARE(window.selectedRunIds().size(), 3);
        QVERIFY(window.compareAction()->isEnabled());
        QSignalSpy curves(window.compareView(), &CompareView::curvesShown);
        window.compareAction()->trigger();
        QVERIFY(curves.wait(20000));
        auto* runViews = window.findChild<QTabWidget*>(QStringLiteral("runViews"));
        QCOMPARE(runViews->currentWidget(), window.compareView());
        QList<qint64> sorted = window.compareView()->runs();
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, runs_);
        QCOMPARE(window.compareView()->overlay()->curveCount(), 3);
        QVERIFY(window.showPage(QStringLiteral("Compare")));

        // The runs table's own "Compare selected" button opens the same view on two runs.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rowCenter(1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCenter(2));
        QCOMPARE(window.selectedRunIds().size(), 2);
        QVERIFY(window.runsBrowser()->compareAction()->isEnabled());
        window.runsBrowser()->compareAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window.compareView()->overlay()->curveCount(), 2, 20000);
        QCOMPARE(window.compareView()->runs().size(), 2);
    }

private:
    QTemporaryDir dir_;
    QString db_;
    QList<qint64> runs_;
    QList<QJsonObject> reports_;
    std::unique_ptr<HistoryReaderHost> history_;
    std::unique_ptr<CompareView> view_;
};

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
