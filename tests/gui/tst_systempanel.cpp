// The run monitor's System tab: a run's CPU and memory readings from system_samples, live while
// it trains, and words (not empty plots) for what this machine cannot record.
#include "../common/TestSupport.h"

#include "MainWindow.h"
#include "MetricPlot.h"
#include "RunsTableModel.h"
#include "SystemPanel.h"

#include "store/WorkspaceReader.h"

#include <QLabel>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

using namespace trainlab;

class TestSystemPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        QSettings().clear();
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("system.db"));
        prepareWorkspace(db_);
    }

    void panelSaysWhatToDoWithoutARunOrSamples() {
        SystemPanel panel;
        QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("Select a run")));
        panel.showRun(5);
        QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("No system samples")));
        SystemSample s;
        s.run = 5;
        s.device = QStringLiteral("cpu");
        s.time = 1000;
        s.rssBytes = 2e8;
        panel.addSamples(5, {s});
        s.time = 1001;
        s.cpuPercent = 150;
        panel.addSamples(5, {s});
        panel.addSamples(6, {s}); // another run's: ignored
        QCOMPARE(panel.memoryPlot()->pointCount(QStringLiteral("rss_mb")), 2);
        QCOMPARE(panel.cpuPlot()->pointCount(QStringLiteral("cpu_percent")), 1);
        QVERIFY2(panel.statusLabel()->text().contains(QStringLiteral("GPU memory")),
                 qPrintable(panel.statusLabel()->text()));
        panel.addSamples(5, {s}); // the same reading twice: drawn once
        QCOMPARE(panel.cpuPlot()->pointCount(QStringLiteral("cpu_percent")), 1);
    }

    void systemTabFollowsATrainingRun() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Long enough to be watched for several seconds; stopped below.
        const QString spec = dir_->filePath(QStringLiteral("long.json"));
        QByteArray text = test::readFile(test::quickstartSpec());
        text.replace("\"epochs\": 40", "\"epochs\": 2000");
        test::writeFile(spec, text);
        QVERIFY(window.startSpecFile(spec));
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 1, 30000);
        auto* runs = window.findChild<QTableView*>(QStringLiteral("runsView"));
        QTest::mouseClick(runs->viewport(), Qt::LeftButton, {},
                          runs->visualRect(window.runsModel()->index(0, 0)).center());
        auto* views = window.findChild<QTabWidget*>(QStringLiteral("runViews"));
        QVERIFY(views);
        QTabBar* bar = views->tabBar();
        QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
        QCOMPARE(views->currentWidget(), window.systemPanel());
        MetricPlot* cpu = window.systemPanel()->cpuPlot();
        // Readings arrive once a second while it trains, and the tab asks every 2 s.
        QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount(QStringLiteral("cpu_percent")) >= 2, 20000);
        const int first = cpu->pointCount(QStringLiteral("cpu_percent"));
        QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount(QStringLiteral("cpu_percent")) > first, 20000);
        QVERIFY(window.systemPanel()->statusLabel()->text().contains(QStringLiteral("power")));
        window.cancelRun();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTableModel::Status).data().toString() !=
                QStringLiteral("running"),
            30000);
        // What the panel drew is what the workspace holds.
        WorkspaceReader reader(db_);
        const auto samples = reader.systemSamples(window.runsModel()->runIdAt(0));
        QVERIFY(samples.size() >= cpu->pointCount(QStringLiteral("cpu_percent")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestSystemPanel)
#include "tst_systempanel.moc"
