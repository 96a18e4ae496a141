// The runs table in the real window, driven as a person does (issue 12): typing in the filter,
// clicking a header to sort, opening a sweep's row, shift-clicking several runs, tagging them
// from the context menu, deleting one through the confirmation dialog, choosing a column from
// the header's menu (kept for the next window), and the table keeping the selection and the
// scroll position while another writer adds runs.
#include "../common/RunSeeding.h"
#include "../common/TestSupport.h"

#include "MainWindow.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"

#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;

namespace {

constexpr int kWaitMs = 10000;
constexpr int kStandaloneRuns = 40;

QTreeView* runsView(MainWindow& window) {
    return window.findChild<QTreeView*>(QStringLiteral("runsView"));
}

/// The center of `index`'s row in the view's viewport.
QPoint rowPoint(QTreeView* view, const QModelIndex& index) {
    view->scrollTo(index);
    return view->visualRect(index.siblingAtColumn(RunsTreeModel::Name)).center();
}

void click(QTreeView* view, const QModelIndex& index, Qt::KeyboardModifiers modifiers = {}) {
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, rowPoint(view, index));
}

/// Right-clicks the row; returns the context menu that pops up.
QMenu* contextMenu(RunsBrowser* browser, const QModelIndex& index) {
    QTreeView* view = browser->view();
    const QPoint at = rowPoint(view, index);
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &event);
    return browser->findChild<QMenu*>(QStringLiteral("runsContextMenu"));
}

/// Clicks `action` in the open `menu`, as the mouse would.
void clickMenuItem(QMenu* menu, const QString& objectName) {
    QAction* action = menu->findChild<QAction*>(objectName);
    QVERIFY2(action, qPrintable(objectName));
    QVERIFY(action->isEnabled());
    QTRY_VERIFY(menu->isVisible());
    QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(action).center());
}

QString cell(RunsTreeModel* model, qint64 runId, int column) {
    return model->indexOf(runId, column).data().toString();
}

} // namespace

class TestRunsBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        QSettings().clear(); // each case starts from the default columns and sort
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("browser.db"));
        StoreWriter store(db_);
        runs_.clear();
        for (int i = 0; i < kStandaloneRuns; ++i) {
            test::SeededRun run =
                test::named(QStringLiteral("run-%1").arg(i, 2, 10, QLatin1Char('0')));
            run.metrics = {
                {QStringLiteral("val_accuracy"), 0.5 + (i * 7 % kStandaloneRuns) / 100.0}};
            runs_.append(test::seedRun(store, run));
        }
        trials_.clear();
        sweep_ = test::seedSweep(store, QStringLiteral("grid"), 4, &trials_);
    }

    void filterSortOpenSelectTagAndDelete() {
        MainWindow window(db_);
        window.resize(1100, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        RunsBrowser* browser = window.runsBrowser();
        RunsTreeModel* model = window.runsModel();
        QTreeView* view = runsView(window);
        QVERIFY(view);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kStandaloneRuns + 1, kWaitMs);

        // Typing narrows the table to the matching runs.
        QTest::keyClicks(browser->filterEdit(), QStringLiteral("run-1"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 10, kWaitMs); // run-10 .. run-19
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, RunsTreeModel::Name).data().toString(),
                                  QStringLiteral("run-19"), kWaitMs);
        QTest::keyClick(browser->filterEdit(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(browser->filterEdit(), Qt::Key_Backspace);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kStandaloneRuns + 1, kWaitMs);

        // A click on the val_accuracy header sorts by it, in the store.
        QHeaderView* header = view->header();
        const int column = RunsTreeModel::Count; // the default first chosen column
        QCOMPARE(model->headerData(column, Qt::Horizontal).toString(),
                 QStringLiteral("val_accuracy"));
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(column) + 10, header->height() / 2));
        QTRY_COMPARE_WITH_TIMEOUT(int(model->sortKey().kind), int(RunSortKey::Kind::Final),
                                  kWaitMs);
        const bool descending = model->sortKey().descending;
        // val_accuracy 0.5 + (7i mod 40)/100: highest for i = 17 (0.89), lowest i = 0 (0.5).
        const qint64 expectedFirst = descending ? runs_[17] : runs_[0];
        QTRY_COMPARE_WITH_TIMEOUT(model->runIdAt(model->index(0, 0)), expectedFirst, kWaitMs);
        // Back to newest first: two clicks on the run column's header settle on descending.
        while (model->sortKey().field != RunField::Id || !model->sortKey().descending ||
               model->sortKey().kind != RunSortKey::Kind::Field) {
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(RunsTreeModel::Id) + 10,
                                     header->height() / 2));
            QTest::qWait(50);
        }
        QTRY_COMPARE_WITH_TIMEOUT(model->sweepIdAt(model->index(0, 0)), sweep_, kWaitMs);

        // The sweep's row opens to its trials.
        const QModelIndex sweepRow = model->index(0, 0);
        const QRect sweepRect = view->visualRect(sweepRow);
        QTest::mouseClick(
            view->viewport(), Qt::LeftButton, {},
            QPoint(sweepRect.left() - view->indentation() / 2, sweepRect.center().y()));
        QTRY_VERIFY(view->isExpanded(sweepRow));
        QTRY_COMPARE(view->visualRect(model->indexOf(trials_[0])).isValid(), true);

        // Click the first trial, shift-click the third: three trials are selected.
        click(view, model->indexOf(trials_[3]));
        QTRY_COMPARE(browser->currentRunId(), trials_[3]);
        click(view, model->indexOf(trials_[1]), Qt::ShiftModifier);
        const QList<qint64> chosen = {trials_[3], trials_[2], trials_[1]};
        QCOMPARE(browser->selectedRunIds(), chosen);
        QCOMPARE(window.selectedRunIds(), chosen);
        QSignalSpy compare(browser, &RunsBrowser::compareRequested);
        QVERIFY(browser->compareAction()->isEnabled());
        auto* compareButton =
            browser->findChild<QToolButton*>(QStringLiteral("compareSelectedButton"));
        QVERIFY(compareButton && compareButton->defaultAction() == browser->compareAction());
        QTest::mouseClick(compareButton, Qt::LeftButton);
        QCOMPARE(compare.size(), 1);
        QCOMPARE(compare.first().first().value<QList<qint64>>(), chosen);

        // The context menu tags the three.
        QMenu* menu = contextMenu(browser, model->indexOf(trials_[2]));
        QVERIFY(menu);
        clickMenuItem(menu, QStringLiteral("addTagAction"));
        QInputDialog* tagDialog = nullptr;
        QTRY_VERIFY((tagDialog = browser->findChild<QInputDialog*>(QStringLiteral("tagDialog"))));
        QTRY_VERIFY(tagDialog->isVisible());
        QTest::keyClicks(tagDialog->findChild<QLineEdit*>(), QStringLiteral("promising, lr"));
        QTest::mouseClick(tagDialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
        for (qint64 trial : chosen)
            QTRY_COMPARE_WITH_TIMEOUT(cell(model, trial, RunsTreeModel::Tags),
                                      QStringLiteral("lr, promising"), kWaitMs);
        QCOMPARE(cell(model, trials_[0], RunsTreeModel::Tags), QString());
        QCOMPARE(browser->selectedRunIds(), chosen); // the refresh kept the selection
        QCOMPARE(WorkspaceReader(db_).run(trials_[2])->tags,
                 (QStringList{QStringLiteral("lr"), QStringLiteral("promising")}));

        // Deleting a run asks first, naming it; confirmed, its rows and files go.
        const qint64 doomed = runs_[5];
        const QString folder = WorkspaceReader(db_).run(doomed)->checkpointDir;
        QDir().mkpath(folder);
        test::writeFile(folder + QStringLiteral("/last.pt"), "weights");
        QTRY_COMPARE_WITH_TIMEOUT(cell(model, doomed, RunsTreeModel::Name),
                                  QStringLiteral("run-05"), kWaitMs);
        click(view, model->indexOf(doomed));
        menu = contextMenu(browser, model->indexOf(doomed));
        clickMenuItem(menu, QStringLiteral("deleteRunsAction"));
        QMessageBox* confirm = nullptr;
        QTRY_VERIFY(
            (confirm = browser->findChild<QMessageBox*>(QStringLiteral("deleteRunsDialog"))));
        QVERIFY2(confirm->informativeText().contains(QStringLiteral("%1 (run-05)").arg(doomed)),
                 qPrintable(confirm->informativeText()));
        QVERIFY(confirm->informativeText().contains(QStringLiteral("checkpoint files")));
        QTest::mouseClick(confirm->findChild<QPushButton*>(QStringLiteral("confirmDeleteButton")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!model->indexOf(doomed).isValid(), kWaitMs);
        QVERIFY(!WorkspaceReader(db_).run(doomed));
        QVERIFY(!QFileInfo::exists(folder));
        QVERIFY(WorkspaceReader(db_).run(runs_[4]));
    }

    void followsTheWorkspaceKeepingSelectionAndPlace() {
        MainWindow window(db_);
        window.resize(1100, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        RunsBrowser* browser = window.runsBrowser();
        RunsTreeModel* model = window.runsModel();
        QTreeView* view = runsView(window);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kStandaloneRuns + 1, kWaitMs);

        // Scrolled to the middle, two runs selected.
        view->scrollTo(model->indexOf(runs_[10]), QAbstractItemView::PositionAtTop);
        click(view, model->indexOf(runs_[12]));
        click(view, model->indexOf(runs_[9]), Qt::ControlModifier);
        const QList<qint64> chosen = {runs_[12], runs_[9]};
        QCOMPARE(browser->selectedRunIds(), chosen);
        QTRY_VERIFY(view->verticalScrollBar()->value() > 0);
        const qint64 top = model->runIdAt(view->indexAt(QPoint(1, 1)));
        QVERIFY(top > 0);

        // Another process adds runs: they show within the watch's period, above.
        {
            StoreWriter store(db_);
            test::seedRun(store, test::named(QStringLiteral("late-1")));
            test::seedRun(store, test::named(QStringLiteral("late-2")));
        }
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kStandaloneRuns + 3, kWaitMs);
        QCOMPARE(browser->selectedRunIds(), chosen);
        QCOMPARE(browser->currentRunId(), runs_[9]);
        QTRY_COMPARE(model->runIdAt(view->indexAt(QPoint(1, 1))), top);
    }

    void columnsChosenInTheHeaderMenuAreKept() {
        {
            MainWindow window(db_);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            RunsBrowser* browser = window.runsBrowser();
            RunsTreeModel* model = window.runsModel();
            QTRY_VERIFY_WITH_TIMEOUT(model->ready() && !model->catalog().params.isEmpty(), kWaitMs);
            QHeaderView* header = runsView(window)->header();
            QContextMenuEvent event(QContextMenuEvent::Mouse, QPoint(20, 5),
                                    header->mapToGlobal(QPoint(20, 5)));
            QApplication::sendEvent(header->viewport(), &event);
            auto* menu = browser->findChild<QMenu*>(QStringLiteral("runsColumnsMenu"));
            QVERIFY(menu);
            auto* params = menu->findChild<QMenu*>(QStringLiteral("paramColumnsMenu"));
            QVERIFY(params && !params->actions().isEmpty());
            QCOMPARE(params->actions().first()->text(), QStringLiteral("training.optimizer.lr"));
            params->actions().first()->trigger();
            QCOMPARE(model->columnCount(), RunsTreeModel::Count + 3);
            const QModelIndex lr = model->indexOf(trials_[0], RunsTreeModel::Count + 2);
            QTRY_COMPARE_WITH_TIMEOUT(lr.data().toString(), QStringLiteral("0.001"), kWaitMs);
            menu->close();
        }
        MainWindow reopened(db_);
        QCOMPARE(reopened.runsModel()->extraColumns().last(),
                 QStringLiteral("param:training.optimizer.lr"));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
    QList<qint64> runs_;
    QList<qint64> trials_;
    qint64 sweep_ = 0;
};

QTEST_MAIN(TestRunsBrowser)
#include "tst_runsbrowser.moc"
