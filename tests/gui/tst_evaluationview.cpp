// The Evaluation tab of the real window, driven by clicks: a finished image run's confusion
// matrix heatmap holds the stored counts (and their row shares once row-normalized), the
// per-class table and the curves show the stored figures, and the gallery shows the stored
// mistakes; runs without an evaluation say why (none selected, regression, still training,
// cancelled). Exports write PNG, PDF and CSV. With TRAINLAB_EVALUATION_SHOTS set (see
// packaging/screenshots/take-evaluation.sh) it also photographs a workspace's newest run.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "../common/CliSupport.h"
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "ClassMetricsModel.h"
#include "ConfusionMatrixPlot.h"
#include "EvaluationCurvesPlot.h"
#include "EvaluationView.h"
#include "FigureExport.h"
#include "MainWindow.h"
#include "MisclassifiedGallery.h"
#include "RunsTableModel.h"
#include "RunsTreeModel.h"

#include "store/WorkspaceReader.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QtTest>
#include <qcustomplot.h>

using namespace trainlab;
using test::parseJson;
using test::runCli;

namespace {

constexpr int kSide = 8;
constexpr int kClasses = 3;

int labelOf(size_t sample) {
    return int((sample * 5 + sample / 3) % kClasses);
}

uchar pixelOf(size_t index) {
    const size_t sample = index / (kSide * kSide);
    const size_t noise = ((sample + 3) * 2654435761u + (index % (kSide * kSide)) * 40503u) % 120;
    return uchar(40 + 50 * size_t(labelOf(sample)) + noise);
}

void clickTab(QTabWidget* tabs, const QString& text) {
    QTabBar* bar = tabs->tabBar();
    for (int i = 0; i < bar->count(); ++i)
        if (bar->tabText(i).remove(QLatin1Char('&')) == text) {
            QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(i).center());
            QTRY_COMPARE(tabs->currentIndex(), i);
            return;
        }
    QFAIL(qPrintable(QStringLiteral("no tab '%1'").arg(text)));
}

void clickRun(MainWindow& window, qint64 runId) {
    auto* view = window.findChild<QTreeView*>(QStringLiteral("runsView"));
    QVERIFY(view);
    QTRY_VERIFY(window.runsModel()->indexOf(runId).isValid());
    const QRect cell = view->visualRect(window.runsModel()->indexOf(runId));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
}

QTabWidget* runViews(MainWindow& window) {
    return window.findChild<QTabWidget*>(QStringLiteral("runViews"));
}

qint64 trainedRun(const QString& db, const QString& spec) {
    const auto run =
        runCli({QStringLiteral("run"), spec, QStringLiteral("--db"), db, QStringLiteral("--json")});
    if (run.exitCode != 0)
        qWarning("%s", run.err.constData());
    return parseJson(run.out).object().value(QStringLiteral("id")).toInteger();
}

} // namespace

class TestEvaluationView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QSettings().clear();
        QVERIFY(dir_.isValid());
        db_ = dir_.filePath(QStringLiteral("evaluation.db"));
        const int n = 360;
        test::writeFile(dir_.filePath(QStringLiteral("images")),
                        test::idxBytes({quint32(n), kSide, kSide}, 0x08, pixelOf));
        test::writeFile(
            dir_.filePath(QStringLiteral("labels")),
            test::idxBytes({quint32(n)}, 0x08, [](size_t i) { return uchar(labelOf(i)); }));
        const QString images = dir_.filePath(QStringLiteral("images.json"));
        test::writeFile(images, QStringLiteral(R"({"trainlab": 1, "name": "tiny-images",
            "dataset": {"source": "idx", "train": {"images": "%1", "labels": "%2"},
                        "validation_split": 0.2, "test_split": 0.25},
            "model": {"layers": [{"type": "flatten"}, {"type": "linear", "out": 8},
                                 {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 2, "batch_size": 32, "seed": 5,
                         "optimizer": {"type": "sgd", "lr": 0.02}},
            "devices": "cpu"})")
                                    .arg(dir_.filePath(QStringLiteral("images")),
                                         dir_.filePath(QStringLiteral("labels")))
                                    .toUtf8());
        imageRun_ = trainedRun(db_, images);
        QVERIFY(imageRun_ > 0);
        const QString values = dir_.filePath(QStringLiteral("values.json"));
        test::writeFile(values, R"({"trainlab": 1, "name": "values",
            "dataset": {"source": "synthetic",
                        "synthetic": {"kind": "regression", "samples": 200, "features": 3}},
            "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"},
                                 {"type": "linear"}]},
            "training": {"epochs": 1, "batch_size": 32}, "devices": "cpu"})");
        regressionRun_ = trainedRun(db_, values);
        QVERIFY(regressionRun_ > 0);
    }

    void emptyStatesSayWhy() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        EvaluationView* view = window.evaluationView();
        clickTab(runViews(window), QStringLiteral("Evaluation"));
        QVERIFY2(view->emptyText().contains(QStringLiteral("Select a run")),
                 qPrintable(view->emptyText()));
        clickRun(window, regressionRun_);
        QTRY_VERIFY2(view->emptyText().contains(QStringLiteral("regression run")),
                     qPrintable(view->emptyText()));
    }

    void finishedRunShowsTheStoredEvaluation() {
        WorkspaceReader workspace(db_);
        const QJsonObject stored =
            *workspace.artifact(imageRun_, QStringLiteral("confusion_matrix"));
        const QJsonArray matrix = stored[QStringLiteral("matrix")].toArray();
        const QJsonArray classes = stored[QStringLiteral("classes")].toArray();
        const QJsonArray perClass = (*workspace.artifact(
            imageRun_, QStringLiteral("classification_report")))[QStringLiteral("per_class")]
                                        .toArray();
        const QJsonObject wrong = *workspace.artifact(imageRun_, QStringLiteral("misclassified"));
        QCOMPARE(matrix.size(), kClasses);

        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        clickRun(window, imageRun_);
        clickTab(runViews(window), QStringLiteral("Evaluation"));
        EvaluationView* view = window.evaluationView();
        QTRY_VERIFY_WITH_TIMEOUT(view->emptyText().isEmpty(), 10000);
        QVERIFY2(view->summaryText().contains(QStringLiteral("accuracy")),
                 qPrintable(view->summaryText()));

        // The heatmap holds the stored counts, written in each cell, class names on the axes.
        ConfusionMatrixPlot* heatmap = view->matrixPlot();
        QVERIFY(heatmap->plot()->isVisible());
        QCOMPARE(heatmap->classCount(), kClasses);
        for (int t = 0; t < kClasses; ++t) {
            QCOMPARE(heatmap->axisLabel(t), classes[t].toString());
            for (int p = 0; p < kClasses; ++p) {
                QCOMPARE(heatmap->cellValue(t, p), double(matrix[t][p].toInteger()));
                QCOMPARE(heatmap->cellText(t, p), QString::number(matrix[t][p].toInteger()));
            }
        }
        // Row-normalized by a click: each row's share of its true class.
        QTest::mouseClick(heatmap->normalizeBox(), Qt::LeftButton);
        QVERIFY(heatmap->rowNormalized());
        for (int t = 0; t < kClasses; ++t) {
            double row = 0;
            for (int p = 0; p < kClasses; ++p)
                row += double(matrix[t][p].toInteger());
            for (int p = 0; p < kClasses; ++p) {
                const double share = double(matrix[t][p].toInteger()) / row;
                QVERIFY(std::abs(heatmap->cellValue(t, p) - share) < 1e-12);
                QCOMPARE(heatmap->cellText(t, p), QString::number(share, 'f', 2));
            }
        }
        QTest::mouseClick(heatmap->normalizeBox(), Qt::LeftButton);
        QCOMPARE(heatmap->cellValue(0, 0), double(matrix[0][0].toInteger()));

        // The per-class table as shown on screen.
        clickTab(view->pages(), QStringLiteral("Per class"));
        QVERIFY(view->classTable()->isVisible());
        QAbstractItemModel* table = view->classTable()->model();
        QCOMPARE(table->rowCount(), kClasses);
        for (int k = 0; k < kClasses; ++k) {
            const QJsonObject row = perClass[k].toObject();
            QCOMPARE(table->index(k, ClassMetricsModel::Class).data().toString(),
                     classes[k].toString());
            for (auto [column, key] : {std::pair{ClassMetricsModel::Precision, "precision"},
                                       std::pair{ClassMetricsModel::Recall, "recall"},
                                       std::pair{ClassMetricsModel::F1, "f1"}})
                QCOMPARE(table->index(k, column).data().toString(),
                         QString::number(row[QLatin1String(key)].toDouble(), 'f', 4));
            QCOMPARE(table->index(k, ClassMetricsModel::Support).data().toString(),
                     QString::number(row[QStringLiteral("support")].toInteger()));
        }

        // ROC and precision-recall curves: one per class, the area in the legend.
        clickTab(view->pages(), QStringLiteral("ROC / PR curves"));
        EvaluationCurvesPlot* curves = view->curvesPlot();
        QCOMPARE(curves->curveCount(), kClasses);
        const QJsonArray roc =
            (*workspace.artifact(imageRun_, QStringLiteral("roc")))[QStringLiteral("curves")]
                .toArray();
        QVERIFY2(curves->legendTexts().contains(
                     QStringLiteral("%1 (AUC %2)")
                         .arg(roc[0][QStringLiteral("class")].toString())
                         .arg(roc[0][QStringLiteral("auc")].toDouble(), 0, 'f', 3)),
                 qPrintable(curves->legendTexts().join(QLatin1Char('|'))));
        curves->kindBox()->setCurrentIndex(1);
        Q_EMIT curves->kindBox()->activated(1);
        QCOMPARE(curves->kind(), CurveKind::PrecisionRecall);
        QCOMPARE(curves->curveCount(), kClasses);
        QVERIFY(curves->legendTexts().first().contains(QStringLiteral("(AP ")));
        curves->setClassShown(1);
        QCOMPARE(curves->curveCount(), 1);

        // The gallery: the stored mistakes, each with its true and predicted class.
        clickTab(view->pages(), QStringLiteral("Misclassified"));
        QListWidget* gallery = view->gallery()->list();
        const QJsonArray examples = wrong[QStringLiteral("examples")].toArray();
        QVERIFY(!examples.isEmpty());
        QCOMPARE(gallery->count(), examples.size());
        for (int i = 0; i < gallery->count(); ++i) {
            const QJsonObject x = examples[i].toObject();
            const QString text = gallery->item(i)->text();
            QVERIFY2(text.contains(x[QStringLiteral("true_class")].toString()) &&
                         text.contains(x[QStringLiteral("predicted_class")].toString()),
                     qPrintable(text));
            QVERIFY(!gallery->item(i)->icon().isNull());
        }
    }

    void classTableModelPassesTheModelTester() {
        ClassMetricsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ClassEvaluation a;
        a.name = QStringLiteral("a");
        a.precision = 0.5;
        a.rocAuc = 0.75;
        ClassEvaluation b = a;
        b.name = QStringLiteral("b");
        b.rocAuc.reset(); // no ROC curve for it: shown as "-", null in CSV
        model.setClasses({a, b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(ClassMetricsModel::Count));
        QCOMPARE(model.index(0, ClassMetricsModel::RocAuc).data().toString(),
                 QStringLiteral("0.7500"));
        QCOMPARE(model.index(1, ClassMetricsModel::RocAuc).data().toString(), QStringLiteral("-"));
        QVERIFY(!model.index(1, ClassMetricsModel::RocAuc)
                     .data(ClassMetricsModel::ValueRole)
                     .isValid());
        model.setClasses({});
        QCOMPARE(model.rowCount(), 0);
    }

    void exportsWritePlotsAndTables() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        clickRun(window, imageRun_);
        clickTab(runViews(window), QStringLiteral("Evaluation"));
        EvaluationView* view = window.evaluationView();
        QTRY_VERIFY_WITH_TIMEOUT(view->emptyText().isEmpty(), 10000);
        QString error;
        const QString png = dir_.filePath(QStringLiteral("matrix.png"));
        QVERIFY2(savePlotFile(view->matrixPlot()->plot(), png, &error), qPrintable(error));
        QVERIFY(!QImage(png).isNull());
        const QString pdf = dir_.filePath(QStringLiteral("curves.pdf"));
        QVERIFY2(savePlotFile(view->curvesPlot()->plot(), pdf, &error), qPrintable(error));
        QVERIFY(test::readFile(pdf).startsWith("%PDF"));
        const QString svg = dir_.filePath(QStringLiteral("matrix.svg"));
        QVERIFY2(savePlotFile(view->matrixPlot()->plot(), svg, &error), qPrintable(error));
        QVERIFY(test::readFile(svg).contains("<svg"));
        QVERIFY(!savePlotFile(view->curvesPlot()->plot(), dir_.filePath(QStringLiteral("x.db")),
                              &error));
        QVERIFY2(error.contains(QStringLiteral(".png, .svg or .pdf")), qPrintable(error));

        // The table through the Export menu's dialog, as a person saves it.
        auto* action = view->findChild<QAction*>(QStringLiteral("exportTableAction"));
        QVERIFY(action);
        action->trigger();
        QFileDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = view->findChild<QFileDialog*>()) != nullptr);
        const QString csv = dir_.filePath(QStringLiteral("per-class.csv"));
        dialog->selectFile(csv);
        static_cast<QDialog*>(dialog)->accept(); // QFileDialog's own is protected
        QTRY_VERIFY(QFile::exists(csv));
        const QList<QByteArray> lines = test::readFile(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + kClasses);
        QCOMPARE(lines[0], QByteArray("Class,Precision,Recall,F1,Support,ROC-AUC,AP"));
    }

    void trainingRunIsEvaluatedWhenItEnds() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        clickTab(runViews(window), QStringLiteral("Evaluation"));
        const QString spec = dir_.filePath(QStringLiteral("long.json"));
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 400");
        test::writeFile(spec, text);
        QVERIFY(window.startSpecFile(spec));
        QTRY_VERIFY_WITH_TIMEOUT(window.activeRunId() > 0, 20000);
        const qint64 run = window.activeRunId();
        EvaluationView* view = window.evaluationView();
        QTRY_COMPARE_WITH_TIMEOUT(view->runId(), run, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(view->emptyText().contains(QStringLiteral("still training")),
                                  qPrintable(view->emptyText()), 10000);
        window.cancelRun();
        // Once the list has the run's final status, the view reads again and says why.
        QTRY_VERIFY2_WITH_TIMEOUT(view->emptyText().contains(QStringLiteral("was cancelled")),
                                  qPrintable(view->emptyText()), 30000);
    }

    void screenshotsOfAWorkspace() {
        const QString shots = qEnvironmentVariable("TRAINLAB_EVALUATION_SHOTS");
        const QString db = qEnvironmentVariable("TRAINLAB_EVALUATION_DB");
        if (shots.isEmpty() || db.isEmpty())
            QSKIP("set TRAINLAB_EVALUATION_SHOTS (a folder) and TRAINLAB_EVALUATION_DB (a "
                  "workspace) to photograph its newest run's evaluation");
        MainWindow window(db);
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(window.runsModel()->rowCount() > 0);
        clickRun(window, window.runsModel()->runIdAt(window.runsModel()->index(0, 0)));
        clickTab(runViews(window), QStringLiteral("Evaluation"));
        EvaluationView* view = window.evaluationView();
        QTRY_VERIFY_WITH_TIMEOUT(view->emptyText().isEmpty(), 10000);
        const struct {
            const char* page;
            const char* file;
        } pages[] = {{"Confusion matrix", "evaluation-matrix.png"},
                     {"Per class", "evaluation-per-class.png"},
                     {"ROC / PR curves", "evaluation-curves.png"},
                     {"Misclassified", "evaluation-misclassified.png"}};
        for (const auto& shot : pages) {
            clickTab(view->pages(), QLatin1String(shot.page));
            QTest::qWait(300);
            QVERIFY(window.grab().save(QDir(shots).filePath(QLatin1String(shot.file))));
        }
        clickTab(view->pages(), QStringLiteral("ROC / PR curves"));
        view->curvesPlot()->setKind(CurveKind::PrecisionRecall);
        QTest::qWait(300);
        QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("evaluation-pr.png"))));
    }

private:
    QTemporaryDir dir_;
    QString db_;
    qint64 imageRun_ = 0;
    qint64 regressionRun_ = 0;
};

QTEST_MAIN(TestEvaluationView)
#include "tst_evaluationview.moc"
