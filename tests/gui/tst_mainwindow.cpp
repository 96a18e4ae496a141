// End to end through the real window: start a spec, watch the curves grow live, see the run
// listed as completed; a bad spec gives a dialog and nothing runs.
#include "../common/GuiTestSupport.h"
#include "../common/TestSupport.h"

#include "JobsTableModel.h"
#include "MainWindow.h"
#include "MetricPlot.h"
#include "RunsTreeModel.h"

#include "store/WorkspaceReader.h"

#include <QAction>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;
using test::clickToolButton;

namespace {

const QString kTrainLoss = QStringLiteral("train_loss");

// The status the jobs panel shows in `row`.
QString jobStatus(MainWindow& window, int row) {
    return window.jobsModel()->index(row, JobsTableModel::Status).data().toString();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("gui.db"));
        prepareWorkspace(db_);
    }

    void runGrowsCurveLiveAndIsListed() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString spec = dir_->filePath(QStringLiteral("long.json"));
        // A longer quickstart so the curve is observed while the run is still going.
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 400");
        test::writeFile(spec, text);
        QVERIFY(window.startSpecFile(spec));

        QTRY_VERIFY_WITH_TIMEOUT(window.activeRunId() > 0, 20000);
        const qint64 runId = window.activeRunId();
        QTRY_VERIFY_WITH_TIMEOUT(window.lossPlot()->pointCount(QStringLiteral("train_loss")) > 0,
                                 20000);
        const int early = window.lossPlot()->pointCount(QStringLiteral("train_loss"));
        // Still running, and more points arrive without the test pumping anything but events.
        QTRY_VERIFY_WITH_TIMEOUT(
            window.lossPlot()->pointCount(QStringLiteral("train_loss")) > early + 5, 20000);
        QVERIFY(window.activeRunId() == runId);
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 1, 10000);

        // Pause holds the run between steps; releasing it lets the curve grow again.
        auto* pause = window.findChild<QAction*>(QStringLiteral("pauseAction"));
        QVERIFY(pause && pause->isEnabled());
        clickToolButton(window, pause);
        QTRY_COMPARE_WITH_TIMEOUT(jobStatus(window, 0), QStringLiteral("paused"), 10000);
        QVERIFY(pause->isChecked());
        QTest::qWait(500); // the batch in flight when pausing still arrives
        const int paused = window.lossPlot()->pointCount(QStringLiteral("train_loss"));
        QTest::qWait(700);
        QCOMPARE(window.lossPlot()->pointCount(QStringLiteral("train_loss")), paused);
        clickToolButton(window, pause);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.lossPlot()->pointCount(QStringLiteral("train_loss")) > paused, 20000);

        window.cancelRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.activeRunId() == 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString(),
            QStringLiteral("cancelled"), 10000);
        QVERIFY(window.accuracyPlot()->pointCount(QStringLiteral("val_accuracy")) > 0);
    }

    void completedRunHistoryLoadsWhenSelected() {
        {
            MainWindow window(db_);
            QVERIFY(window.startSpecFile(test::quickstartSpec()));
            QTRY_VERIFY_WITH_TIMEOUT(
                window.runsModel()->rowCount() == 1 &&
                    window.runsModel()->index(0, RunsTreeModel::Status).data() ==
                        QStringLiteral("completed"),
                60000);
        }
        MainWindow reopened(db_);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.runsModel()->rowCount(), 1, 10000);
        auto* view = reopened.findChild<QTreeView*>(QStringLiteral("runsView"));
        QVERIFY(view);
        view->setCurrentIndex(reopened.runsModel()->index(0, 0));
        QTRY_COMPARE_WITH_TIMEOUT(
            reopened.accuracyPlot()->pointCount(QStringLiteral("val_accuracy")), 40, 10000);
    }

    void runOfAnotherProcessGrowsWhenSelected() {
        // The CLI trains in the same workspace; the window lists the run, and once a person
        // selects it, its curve follows the rows the other process writes.
        const QString spec = dir_->filePath(QStringLiteral("long.json"));
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 400");
        test::writeFile(spec, text);
        QProcess cli;
        cli.start(QStringLiteral(TRAINLAB_CLI_PATH),
                  {QStringLiteral("run"), spec, QStringLiteral("--db"), db_});
        QVERIFY(cli.waitForStarted());

        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 1 &&
                                     window.runsModel()->index(0, RunsTreeModel::Status).data() ==
                                         QStringLiteral("running"),
                                 30000);
        auto* view = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        const QRect cell = view->visualRect(window.runsModel()->index(0, 0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_VERIFY_WITH_TIMEOUT(window.lossPlot()->pointCount(QStringLiteral("train_loss")) > 0,
                                 10000);
        const int first = window.lossPlot()->pointCount(QStringLiteral("train_loss"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.lossPlot()->pointCount(QStringLiteral("train_loss")) > first + 5, 20000);
        cli.terminate(); // SIGTERM: the CLI stops the run after its current step
        QVERIFY(cli.waitForFinished(30000));
    }

    void cliRunInTheOpenWorkspaceShowsWithinTwoSeconds() {
        // The window is open first; trainlab-cli then starts a run in its workspace. Whatever
        // rows the CLI has written at any moment are on the window's plot within 2 s: the new
        // run is found and followed without a click.
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString spec = dir_->filePath(QStringLiteral("long.json"));
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 400");
        test::writeFile(spec, text);
        QProcess cli;
        cli.start(QStringLiteral(TRAINLAB_CLI_PATH),
                  {QStringLiteral("run"), spec, QStringLiteral("--db"), db_});
        QVERIFY(cli.waitForStarted());

        WorkspaceReader workspace(db_);
        const auto writtenPoints = [&] {
            const auto runs = workspace.runs();
            return runs.empty() ? 0
                                : int(workspace.metricSeries(runs.front().id, kTrainLoss).size());
        };
        QTRY_VERIFY_WITH_TIMEOUT(writtenPoints() > 0, 60000);
        for (int check = 0; check < 3; ++check) {
            const int written = writtenPoints();
            QElapsedTimer shown;
            shown.start();
            QTRY_VERIFY_WITH_TIMEOUT(window.lossPlot()->pointCount(kTrainLoss) >= written, 2000);
            qInfo("%d points the CLI had written were on the plot after %lld ms", written,
                  qint64(shown.elapsed()));
            QTest::qWait(700);
        }
        QVERIFY(window.lossPlot()->runId() == workspace.runs().front().id);
        cli.terminate();
        QVERIFY(cli.waitForFinished(30000));
    }

    void pausedRunIsResumedAfterTheWindowReopens() {
        const QString spec = dir_->filePath(QStringLiteral("long.json"));
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 60");
        test::writeFile(spec, text);
        {
            MainWindow window(db_);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.startSpecFile(spec));
            QTRY_VERIFY_WITH_TIMEOUT(
                window.lossPlot()->pointCount(QStringLiteral("train_loss")) > 3, 30000);
            clickToolButton(window, window.findChild<QAction*>(QStringLiteral("pauseAction")));
            QTRY_COMPARE_WITH_TIMEOUT(jobStatus(window, 0), QStringLiteral("paused"), 10000);
        } // closed while paused: the run stays paused in the workspace
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* resume = window.findChild<QAction*>(QStringLiteral("resumeAction"));
        QVERIFY(resume && !resume->isEnabled()); // nothing selected yet
        QTRY_COMPARE_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString(),
            QStringLiteral("paused"), 10000);
        auto* view = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(window.runsModel()->index(0, 0)).center());
        QTRY_VERIFY(resume->isEnabled());
        clickToolButton(window, resume);
        QTRY_COMPARE_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString(),
            QStringLiteral("completed"), 120000);
        auto* log = window.findChild<QPlainTextEdit*>(QStringLiteral("runLog"));
        QVERIFY(log && log->toPlainText().contains(QStringLiteral("resumed at step")));
        QCOMPARE(window.runsModel()->rowCount(), 1); // the same run, not a new one
    }

    void badSpecShowsDialogAndRunsNothing() {
        MainWindow window(db_);
        window.show();
        const QString spec = dir_->filePath(QStringLiteral("bad.json"));
        test::writeFile(
            spec,
            R"({"trainlab": 1, "dataset": {"source": "nowhere"}, "model": {"preset": "mlp"}})");
        QVERIFY(!window.startSpecFile(spec));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"))) !=
                    nullptr);
        QVERIFY2(box->text().contains(QStringLiteral("dataset.source")), qPrintable(box->text()));
        QVERIFY(box->text().contains(spec));
        QTest::qWait(200);
        QCOMPARE(window.runsModel()->rowCount(), 0);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
