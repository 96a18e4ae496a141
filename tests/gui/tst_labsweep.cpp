// The lab window end to end, as a person compares a sweep: run a six-trial sweep from a spec
// file, open the sweep in the runs table, select three trials and compare them (three curves,
// a diff of exactly the fields that differ), then brush the learning-rate axis of the sweep's
// parallel coordinates: the leaderboard and the runs table keep only the trials inside.
#include "../common/TestSupport.h"

#include "CompareView.h"
#include "ConfigDiffModel.h"
#include "MainWindow.h"
#include "OverlayPlot.h"
#include "ParallelCoordinatesPlot.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"
#include "SweepLeaderboardModel.h"
#include "SweepView.h"

#include "store/WorkspaceReader.h"

#include <QDir>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>
#include <cmath>

using namespace trainlab;

namespace {

const QString kLr = QStringLiteral("training.optimizer.lr");

const char* kSweepSpec = R"({"trainlab": 1, "name": "spirals-lr",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 600, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 3, "batch_size": 64, "checkpoint_every_epochs": 0,
                 "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu",
    "sweep": {"strategy": "random", "trials": 6, "parallel": 2, "seed": 11,
              "objective": [{"metric": "val_accuracy", "goal": "maximize"}],
              "space": {"training.optimizer.lr": {"log_uniform": [0.0005, 0.5]},
                        "training.batch_size": {"choice": [32, 64]}}}})";

/// Every leaf of a spec by its path (objects by ".", arrays of objects by "[i]"), written here
/// rather than taken from the store, so the diff is checked against an independent reading.
void leaves(const QJsonValue& value, const QString& path, QMap<QString, QJsonValue>& out) {
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            leaves(*it, path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(), out);
        return;
    }
    if (value.isArray() && !value.toArray().isEmpty() && value.toArray().first().isObject()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            leaves(a[i], path + QStringLiteral("[%1]").arg(i), out);
        return;
    }
    out.insert(path, value);
}

QStringList differingFields(const std::vector<RunRecord>& runs) {
    QVector<QMap<QString, QJsonValue>> flat(qsizetype(runs.size()));
    for (size_t i = 0; i < runs.size(); ++i) {
        leaves(QJsonDocument::fromJson(runs[i].spec.toUtf8()).object(), QString(),
               flat[qsizetype(i)]);
        leaves(runs[i].environment, QStringLiteral("environment"), flat[qsizetype(i)]);
    }
    QSet<QString> keys;
    for (const auto& f : flat)
        for (const QString& k : f.keys())
            keys.insert(k);
    QStringList differing;
    for (const QString& k : keys) {
        const QJsonValue first = flat.front().value(k, QJsonValue::Undefined);
        for (const auto& f : flat)
            if (f.value(k, QJsonValue::Undefined) != first) {
                differing << k;
                break;
            }
    }
    differing.sort();
    return differing;
}

void clickTab(QTabWidget* tabs, const QString& text) {
    QVERIFY(tabs);
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabText(i).remove(QLatin1Char('&')) == text) {
            QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {},
                              tabs->tabBar()->tabRect(i).center());
            QTRY_COMPARE(tabs->currentIndex(), i);
            return;
        }
    QFAIL(qPrintable(QStringLiteral("no tab ") + text));
}

} // namespace

class TestLabSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("lab.db"));
        prepareWorkspace(db_);
    }

    void aSweepIsComparedAndBrushedInTheWindow() {
        const QString specPath = dir_->filePath(QStringLiteral("spirals-lr.json"));
        test::writeFile(specPath, kSweepSpec);
        MainWindow window(db_);
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Run spec… → the file's name → Enter; the sweep runs its six trials.
        QFileDialog* dialog = window.chooseSpecFile(dir_->path());
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(nameEdit);
        QTest::keyClicks(nameEdit, QFileInfo(specPath).fileName());
        QTest::keyClick(nameEdit, Qt::Key_Return);
        WorkspaceReader workspace(db_);
        QTRY_VERIFY_WITH_TIMEOUT(!workspace.sweeps().empty() &&
                                     workspace.sweeps().front().status == RunStatus::Completed,
                                 240000);
        const qint64 sweepId = workspace.sweeps().front().id;
        const auto trials = workspace.trials(sweepId);
        QCOMPARE(int(trials.size()), 6);

        // The runs table: open the sweep's row, click a trial, Ctrl-click two more.
        RunsTreeModel* model = window.runsModel();
        auto* view = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        QVERIFY(view);
        QTRY_VERIFY_WITH_TIMEOUT(model->indexOfSweep(sweepId).isValid(), 10000);
        view->expand(model->indexOfSweep(sweepId));
        QList<qint64> chosen{trials[0].run.id, trials[2].run.id, trials[4].run.id};
        for (qint64 id : chosen)
            QTRY_VERIFY_WITH_TIMEOUT(model->indexOf(id).isValid(), 10000);
        const auto cellOf = [&](qint64 id) {
            view->scrollTo(model->indexOf(id));
            return view->visualRect(model->indexOf(id, RunsTreeModel::Name)).center();
        };
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cellOf(chosen[0]));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, cellOf(chosen[1]));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, cellOf(chosen[2]));
        QList<qint64> selected = window.selectedRunIds();
        std::sort(selected.begin(), selected.end());
        std::sort(chosen.begin(), chosen.end());
        QCOMPARE(selected, chosen);

        // Compare selected: three curves and the fields that differ, exactly.
        CompareView* compare = window.compareView();
        QSignalSpy curves(compare, &CompareView::curvesShown);
        auto* compareButton =
            window.findChild<QToolButton*>(QStringLiteral("compareSelectedButton"));
        QVERIFY(compareButton && compareButton->isEnabled());
        QTest::mouseClick(compareButton, Qt::LeftButton);
        QVERIFY(curves.wait(30000));
        QCOMPARE(compare->overlay()->curveCount(), 3);
        std::vector<RunRecord> compared;
        for (qint64 id : chosen)
            compared.push_back(*workspace.run(id));
        const QStringList expected = differingFields(compared);
        QVERIFY2(expected.contains(kLr), qPrintable(expected.join(QLatin1Char(' '))));
        QStringList shown;
        const ConfigDiffModel* diff = compare->diffModel();
        QTRY_VERIFY_WITH_TIMEOUT(diff->rowCount() > 0, 10000);
        for (int row = 0; row < diff->rowCount(); ++row)
            shown << diff->index(row, ConfigDiffModel::Field).data().toString();
        shown.sort();
        QCOMPARE(shown, expected);

        // Sweep results: the leaderboard lists the six trials; brush the learning rate.
        auto* runViews = window.findChild<QTabWidget*>(QStringLiteral("runViews"));
        clickTab(runViews, QStringLiteral("Sweep results"));
        SweepView* sweepView = window.sweepView();
        QTRY_COMPARE_WITH_TIMEOUT(sweepView->leaderboard()->rowCount(), 6, 10000);
        QCOMPARE(sweepView->sweepId(), sweepId);
        QVector<double> lrs;
        for (const TrialRecord& t : trials)
            lrs.append(t.run.params.value(kLr).toDouble());
        std::sort(lrs.begin(), lrs.end());
        // From between the 2nd and 3rd smallest to between the 5th and 6th: three trials.
        const double low = std::sqrt(lrs[1] * lrs[2]);
        const double high = std::sqrt(lrs[4] * lrs[5]);
        ParallelCoordinatesPlot* plot = sweepView->parallelPlot();
        QTRY_VERIFY(plot->axes().contains(kLr));
        const QPointF from = plot->pointOn(kLr, high);
        const QPointF to = plot->pointOn(kLr, low);
        QTest::mousePress(plot, Qt::LeftButton, {}, from.toPoint());
        QTest::mouseMove(plot, ((from + to) / 2).toPoint());
        QTest::mouseMove(plot, to.toPoint());
        QTest::mouseRelease(plot, Qt::LeftButton, {}, to.toPoint());
        QCOMPARE(plot->brushes().size(), 1);
        const AxisBrush brush = plot->brushes().front();
        QSet<int> inside;
        QList<qint64> insideRuns;
        for (const TrialRecord& t : trials) {
            const double lr = t.run.params.value(kLr).toDouble();
            if (lr >= brush.low && lr <= brush.high) {
                inside.insert(t.trial);
                insideRuns.append(t.run.id);
            }
        }
        QCOMPARE(inside.size(), 3);
        QSet<int> listed;
        for (int row = 0; row < sweepView->leaderboard()->rowCount(); ++row)
            listed.insert(sweepView->leaderboard()->trialAt(row)->trial);
        QCOMPARE(listed, inside);
        // The runs table keeps the same three runs.
        QVERIFY(window.runsBrowser()->restricted());
        QTRY_COMPARE_WITH_TIMEOUT(model->matchingRuns(), 3, 10000);

        // Its button lifts the restriction, and the brush with it.
        auto* lift = window.findChild<QToolButton*>(QStringLiteral("runsRestriction"));
        QVERIFY(lift && lift->isVisible());
        QTest::mouseClick(lift, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(model->matchingRuns(), 6, 10000);
        QVERIFY(plot->brushes().isEmpty());
        QCOMPARE(sweepView->leaderboard()->rowCount(), 6);
    }

    /// Not a check: the README's pictures (packaging/screenshots/take-lab.sh sets the paths).
    void screenshotsOfASweep() {
        const QString db = qEnvironmentVariable("TRAINLAB_LAB_DB");
        const QString shots = qEnvironmentVariable("TRAINLAB_LAB_SHOTS");
        if (db.isEmpty() || shots.isEmpty())
            QSKIP("set TRAINLAB_LAB_DB (a workspace with a sweep), TRAINLAB_LAB_SHOTS (a folder) "
                  "and TRAINLAB_LAB_COMPARE (run ids) to photograph the sweep and compare views");
        MainWindow window(db);
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        WorkspaceReader workspace(db);
        const qint64 sweepId = workspace.sweeps().front().id;
        // Most of the width to the views on the right, as one arranges the window to read them.
        auto* runViews = window.findChild<QTabWidget*>(QStringLiteral("runViews"));
        for (QSplitter* splitter : window.findChildren<QSplitter*>())
            if (splitter->orientation() == Qt::Horizontal && splitter->isAncestorOf(runViews))
                splitter->setSizes({380, 1060});
        window.showSweepResults(sweepId);
        SweepView* view = window.sweepView();
        QTRY_VERIFY_WITH_TIMEOUT(view->sweepId() == sweepId, 10000);
        const auto save = [&](const QString& name) {
            QTest::qWait(300);
            QVERIFY(window.grab().save(QDir(shots).filePath(name + QStringLiteral(".png"))));
        };
        const QStringList charts{QStringLiteral("sweep-parallel"), QStringLiteral("sweep-history"),
                                 QStringLiteral("sweep-scatter"), QStringLiteral("sweep-pareto"),
                                 QStringLiteral("sweep-importance")};
        for (int i = 0; i < charts.size(); ++i) {
            view->charts()->setCurrentIndex(i);
            save(charts[i]);
        }
        // Brushed: the learning rates of the better half of the trials.
        view->charts()->setCurrentIndex(0);
        ParallelCoordinatesPlot* plot = view->parallelPlot();
        QVector<double> lrs;
        for (const TrialRecord& t : workspace.trials(sweepId))
            if (t.run.status == RunStatus::Completed)
                lrs.append(t.run.params.value(kLr).toDouble());
        std::sort(lrs.begin(), lrs.end());
        if (lrs.size() >= 3) {
            plot->setBrush({kLr, lrs[lrs.size() / 3] * 0.99, lrs.back() * 1.01});
            save(QStringLiteral("sweep-brushed"));
            plot->clearBrushes();
        }
        QList<qint64> runs;
        for (const QString& id :
             qEnvironmentVariable("TRAINLAB_LAB_COMPARE").split(QLatin1Char(',')))
            runs.append(id.toLongLong());
        QSignalSpy curves(window.compareView(), &CompareView::curvesShown);
        window.compareRuns(runs);
        QVERIFY(curves.wait(20000));
        save(QStringLiteral("compare"));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestLabSweep)
#include "tst_labsweep.moc"
