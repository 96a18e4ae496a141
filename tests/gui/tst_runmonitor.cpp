// The Runs page as a monitor: each run's own log with warnings and errors marked, the devices
// and who holds them, a desktop notification when a run ends while the window is in the
// background (through the notifier's sink, not a real desktop).
#include "../common/TestSupport.h"

#include "DeviceTableModel.h"
#include "MainWindow.h"
#include "RunLogView.h"
#include "RunNotifier.h"
#include "RunsTreeModel.h"

#include "jobs/JobInfo.h"
#include "store/WorkspaceReader.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTextBlock>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;

namespace {

/// The block of `view` whose text contains `part`; invalid when none does.
QTextBlock blockWith(const RunLogView& view, const QString& part) {
    for (QTextBlock b = view.textView()->document()->begin(); b.isValid(); b = b.next())
        if (b.text().contains(part))
            return b;
    return {};
}

QTextCharFormat formatOf(const QTextBlock& block) {
    return block.begin().fragment().charFormat();
}

JobInfo finishedJob(JobKind kind, RunStatus status, qint64 parent = 0) {
    JobInfo job;
    job.id = 4;
    job.parent = parent;
    job.kind = kind;
    job.title = QStringLiteral("fashion-cnn");
    job.status = status;
    job.runId = 12;
    job.sweepId = kind == JobKind::Sweep ? 3 : 0;
    return job;
}

QString cell(QAbstractItemModel* model, int row, int column) {
    return model->index(row, column).data().toString();
}

} // namespace

class TestRunMonitor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("monitor.db"));
        prepareWorkspace(db_);
    }

    void messageWordsGiveTheLevel() {
        QCOMPARE(logLevelOf(QStringLiteral("trial 3 failed: out of memory")), LogLevel::Error);
        QCOMPARE(logLevelOf(QStringLiteral("Cannot resume run 4: no checkpoint")), LogLevel::Error);
        QCOMPARE(logLevelOf(QStringLiteral("epoch 3: train_loss nan")), LogLevel::Warning);
        QCOMPARE(logLevelOf(QStringLiteral("trial 2 (run 7) pruned")), LogLevel::Warning);
        QCOMPARE(logLevelOf(QStringLiteral("model: 1234 parameters; 2100 training samples")),
                 LogLevel::Info);
        QCOMPARE(logLevelOf(QStringLiteral("financial")), LogLevel::Info); // words, not parts
    }

    void logShowsTheSelectedRunsLines() {
        RunLogView log;
        log.appendWindowMessage(QStringLiteral("queued spirals.json"));
        log.appendJobMessage(1, 0, QStringLiteral("preparing data")); // before its run exists
        log.appendJobMessage(1, 10, QStringLiteral("model: 10 parameters"));
        log.appendJobMessage(2, 11, QStringLiteral("model: 11 parameters"));
        log.appendJobMessage(5, 0, QStringLiteral("sweep 3 started")); // a sweep job's own
        log.appendJobMessage(1, 10, QStringLiteral("epoch 1: val_loss nan"));
        log.appendJobMessage(2, 11, QStringLiteral("run failed: disk full"));

        log.showRun(10);
        const QString ten = log.textView()->toPlainText();
        QVERIFY2(ten.contains(QStringLiteral("preparing data")), qPrintable(ten));
        QVERIFY(ten.contains(QStringLiteral("model: 10 parameters")));
        QVERIFY(ten.contains(QStringLiteral("queued spirals.json"))); // the window's, always
        QVERIFY(!ten.contains(QStringLiteral("11 parameters")));
        QVERIFY(!ten.contains(QStringLiteral("sweep 3")));
        QCOMPARE(log.findChild<QLabel*>(QStringLiteral("runLogTitle"))->text(),
                 QStringLiteral("Log: run 10"));
        // In arrival order: the window's line first.
        QVERIFY(ten.indexOf(QStringLiteral("queued")) < ten.indexOf(QStringLiteral("model")));

        // Live lines of the shown run appear; another run's do not.
        log.appendJobMessage(1, 10, QStringLiteral("epoch 2: ok"));
        log.appendJobMessage(2, 11, QStringLiteral("epoch 2: other"));
        QVERIFY(log.textView()->toPlainText().contains(QStringLiteral("epoch 2: ok")));
        QVERIFY(!log.textView()->toPlainText().contains(QStringLiteral("other")));

        // A trial with its sweep's job: the sweep's lines too.
        log.showRun(11, {5});
        const QString eleven = log.textView()->toPlainText();
        QVERIFY(eleven.contains(QStringLiteral("sweep 3 started")));
        QVERIFY(eleven.contains(QStringLiteral("epoch 2: other")));
        QVERIFY(!eleven.contains(QStringLiteral("10 parameters")));

        // All runs: everything, each line saying whose it is.
        log.show();
        QTest::mouseClick(log.allRunsBox(), Qt::LeftButton);
        QVERIFY(log.allRunsBox()->isChecked());
        const QString all = log.textView()->toPlainText();
        QVERIFY(all.contains(QStringLiteral("[run 10] model: 10 parameters")));
        QVERIFY(all.contains(QStringLiteral("[run 11] model: 11 parameters")));
    }

    void warningsAndErrorsStandOut() {
        RunLogView log;
        log.showRun(10);
        log.appendJobMessage(1, 10, QStringLiteral("model: fine"));
        log.appendJobMessage(1, 10, QStringLiteral("epoch 1: val_loss nan"));
        log.appendJobMessage(1, 10, QStringLiteral("run failed: disk full"));
        const QTextCharFormat info = formatOf(blockWith(log, QStringLiteral("model: fine")));
        const QTextCharFormat warning = formatOf(blockWith(log, QStringLiteral("nan")));
        const QTextCharFormat error = formatOf(blockWith(log, QStringLiteral("disk full")));
        QVERIFY(blockWith(log, QStringLiteral("disk full")).isValid());
        QCOMPARE(error.foreground().color(), QColor(QStringLiteral("#b00020")));
        QCOMPARE(error.fontWeight(), int(QFont::Bold));
        QCOMPARE(warning.foreground().color(), QColor(QStringLiteral("#8a5300")));
        QVERIFY(warning.fontItalic());
        QVERIFY(info.foreground().color() != error.foreground().color());
        QVERIFY(!info.fontItalic() && info.fontWeight() != int(QFont::Bold));
    }

    void everyRunKeepsItsLatestLines() {
        RunLogView log;
        for (int i = 0; i < RunLogView::kLinesPerRun + 5; ++i)
            log.appendJobMessage(1, 10, QStringLiteral("line %1").arg(i));
        QCOMPARE(log.keptLines(10), RunLogView::kLinesPerRun);
        log.showRun(10);
        const QString text = log.textView()->toPlainText();
        QVERIFY(!text.contains(QStringLiteral("line 4\n")));
        QVERIFY(text.contains(QStringLiteral("line 5\n")));
        // Past kMaxRuns runs, the one that spoke least recently is forgotten, not the shown one.
        for (qint64 run = 100; run < 100 + RunLogView::kMaxRuns; ++run)
            log.appendJobMessage(run, run, QStringLiteral("hello"));
        QCOMPARE(log.keptLines(10), RunLogView::kLinesPerRun); // shown: kept
        log.showRun(100);
        log.appendJobMessage(500, 500, QStringLiteral("hello"));
        QCOMPARE(log.keptLines(10), 0);
        QCOMPARE(log.keptLines(100), 1);
    }

    void deviceTableShowsWhoHoldsWhat() {
        DeviceTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        DeviceUsage cpu{QStringLiteral("cpu"), 8, 0, {}, {}};
        DeviceUsage gpu{QStringLiteral("cuda:0"), 1, 0, {}, {}};
        model.setUsage({cpu, gpu});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cell(&model, 0, DeviceTableModel::Use), QStringLiteral("0 of 8 cores"));
        QCOMPARE(cell(&model, 1, DeviceTableModel::Use), QStringLiteral("free"));
        QCOMPARE(cell(&model, 1, DeviceTableModel::Jobs), QStringLiteral("idle"));
        gpu.used = 1;
        gpu.jobs = {3};
        gpu.titles = {QStringLiteral("fashion-cnn")};
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setUsage({cpu, gpu});
        QCOMPARE(changed.size(), 1); // only the GPU's row
        QCOMPARE(cell(&model, 1, DeviceTableModel::Use), QStringLiteral("busy"));
        QCOMPARE(cell(&model, 1, DeviceTableModel::Jobs), QStringLiteral("#3 fashion-cnn"));
        model.setUsage({cpu});
        QCOMPARE(model.rowCount(), 1);
    }

    void notificationsAreForWhatTheUserStarted() {
        auto completed =
            RunNotifier::notificationFor(finishedJob(JobKind::Run, RunStatus::Completed));
        QCOMPARE(completed.title, QStringLiteral("Run 12 completed"));
        QCOMPARE(completed.message, QStringLiteral("fashion-cnn"));
        QVERIFY(!completed.failed);
        JobInfo failedJob = finishedJob(JobKind::Run, RunStatus::Failed);
        failedJob.error = QStringLiteral("out of memory on cuda:0");
        const auto failed = RunNotifier::notificationFor(failedJob);
        QCOMPARE(failed.title, QStringLiteral("Run 12 failed"));
        QCOMPARE(failed.message, QStringLiteral("fashion-cnn: out of memory on cuda:0"));
        QVERIFY(failed.failed);
        QCOMPARE(
            RunNotifier::notificationFor(finishedJob(JobKind::Sweep, RunStatus::Completed)).title,
            QStringLiteral("Sweep 3 completed"));
        // A trial (the sweep goes on) and a cancelled run (the user stopped it) say nothing.
        QVERIFY(RunNotifier::notificationFor(finishedJob(JobKind::Run, RunStatus::Completed, 2))
                    .title.isEmpty());
        QVERIFY(RunNotifier::notificationFor(finishedJob(JobKind::Run, RunStatus::Cancelled))
                    .title.isEmpty());
    }

    void windowMonitorsARealRun() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Another window has the focus: the user is elsewhere.
        QWidget elsewhere;
        elsewhere.show();
        elsewhere.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&elsewhere));
        QVERIFY(!window.isActiveWindow());
        auto* notifier = window.findChild<RunNotifier*>(QStringLiteral("runNotifier"));
        QVERIFY(notifier);
        QVector<Notification> notices;
        notifier->setSink([&](const Notification& n) { notices.append(n); });
        auto* devices = window.findChild<QTableView*>(QStringLiteral("devicesView"));
        QVERIFY(devices);
        QCOMPARE(cell(devices->model(), 0, DeviceTableModel::Jobs), QStringLiteral("idle"));

        // A long run: the CPU is held by it while it trains; stopping it is not news.
        QByteArray text = test::readFile(test::quickstartSpec());
        const QString longSpec = dir_->filePath(QStringLiteral("long.json"));
        test::writeFile(longSpec, QByteArray(text).replace("\"epochs\": 40", "\"epochs\": 400"));
        QVERIFY(window.startSpecFile(longSpec));
        QTRY_VERIFY_WITH_TIMEOUT(window.activeRunId() > 0, 20000);
        const qint64 first = window.activeRunId();
        QTRY_COMPARE_WITH_TIMEOUT(cell(devices->model(), 0, DeviceTableModel::Jobs),
                                  QStringLiteral("#1 quickstart-spirals"), 10000);
        QVERIFY(!cell(devices->model(), 0, DeviceTableModel::Use).startsWith(QLatin1Char('0')));
        auto* log = window.findChild<QPlainTextEdit*>(QStringLiteral("runLog"));
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("model:")), 20000);
        window.cancelRun();
        QTRY_VERIFY_WITH_TIMEOUT(window.activeRunId() == 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(devices->model(), 0, DeviceTableModel::Jobs),
                                  QStringLiteral("idle"), 10000);
        QVERIFY(notices.isEmpty());

        // A short run that completes in the background: one notification, naming it.
        const QString shortSpec = dir_->filePath(QStringLiteral("short.json"));
        test::writeFile(shortSpec, QByteArray(text).replace("\"epochs\": 40", "\"epochs\": 2"));
        QVERIFY(window.startSpecFile(shortSpec));
        QTRY_COMPARE_WITH_TIMEOUT(notices.size(), 1, 60000);
        const qint64 second = first + 1;
        QCOMPARE(notices[0].title, QStringLiteral("Run %1 completed").arg(second));
        QCOMPARE(notices[0].message, QStringLiteral("quickstart-spirals"));
        QVERIFY(!notices[0].failed);

        // Each run's log is its own: selecting the first shows its stop, not the second's end.
        QTRY_COMPARE_WITH_TIMEOUT(window.runsModel()->rowCount(), 2, 10000);
        auto* runs = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        QTest::mouseClick(runs->viewport(), Qt::LeftButton, {},
                          runs->visualRect(window.runsModel()->indexOf(first)).center());
        QTRY_VERIFY(log->toPlainText().contains(QStringLiteral("quickstart-spirals cancelled")));
        QVERIFY(!log->toPlainText().contains(QStringLiteral("quickstart-spirals completed")));
        QTest::mouseClick(runs->viewport(), Qt::LeftButton, {},
                          runs->visualRect(window.runsModel()->indexOf(second)).center());
        QTRY_VERIFY(log->toPlainText().contains(QStringLiteral("quickstart-spirals completed")));
        QVERIFY(!log->toPlainText().contains(QStringLiteral("cancelled")));

        // With the window in front, the status bar is enough: no notification.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(window.startSpecFile(shortSpec));
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->indexOf(second + 1).isValid(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            window.runsModel()->indexOf(second + 1, RunsTreeModel::Status).data().toString(),
            QStringLiteral("completed"), 60000);
        QTest::qWait(200);
        QCOMPARE(notices.size(), 1);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestRunMonitor)
#include "tst_runmonitor.moc"
