// The run monitor's System tab: a run's CPU and memory readings from system_samples, live while
// it trains, and words (not empty plots) for what this machine cannot record.
#include "../common/TestSupport.h"

#include "MainWindow.h"
#include "MetricPlot.h"
#include "RunsTreeModel.h"
#include "SystemPanel.h"

#include "store/WorkspaceReader.h"

#include <QJsonObject>
#include <QLabel>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
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

    void summarySaysWhatTheRunUsedAndCost() {
        SystemPanel panel;
        panel.showRun(5);
        RunRecord run;
        run.id = 5;
        run.energyJ = 1234;
        run.energySource = QStringLiteral("estimate: 123.4 CPU s x 10 W per busy core");
        run.deviceHours = 0.01;
        run.environment = QJsonObject{{QStringLiteral("cpu_model"), QStringLiteral("Test CPU")},
                                      {QStringLiteral("libtorch"), QStringLiteral("1.13.1")},
                                      {QStringLiteral("cuda"), QStringLiteral("none")},
                                      {QStringLiteral("driver"), QStringLiteral("none")},
                                      {QStringLiteral("world_size"), 1}};
        panel.setRunFigures(run);
        const QString text = panel.summaryLabel()->text();
        QVERIFY2(text.contains(QStringLiteral("Energy 1234 J (estimate: 123.4 CPU s")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("device time 36.0 s")));
        QVERIFY(text.contains(QStringLiteral("no price was set"))); // no cost: said, not zero
        QVERIFY(text.contains(QStringLiteral("Ran on Test CPU with LibTorch 1.13.1, CUDA none")));
        run.cost = 0.25;
        panel.setRunFigures(run);
        QVERIFY(panel.summaryLabel()->text().contains(QStringLiteral("cost 0.25")));
        run.id = 6; // another run's row: ignored
        run.cost = 9;
        panel.setRunFigures(run);
        QVERIFY(panel.summaryLabel()->text().contains(QStringLiteral("cost 0.25")));
        // GPU readings, where a run has them, are named with their latest values.
        SystemSample gpu;
        gpu.run = 5;
        gpu.device = QStringLiteral("cuda:0");
        gpu.time = 2000;
        gpu.gpuMemUsedBytes = 3e9;
        gpu.utilPercent = 87;
        gpu.powerW = 250;
        panel.addSamples(5, {gpu});
        QVERIFY2(panel.statusLabel()->text().contains(
                     QStringLiteral("Latest cuda:0: memory 3000 MB, utilization 87 %, power 250 W, "
                                    "-.")), // no temperature sensor: a dash, not a zero
                 qPrintable(panel.statusLabel()->text()));
        gpu.time = 2001;
        gpu.temperatureC = 71;
        panel.addSamples(5, {gpu});
        QVERIFY2(panel.statusLabel()->text().contains(QStringLiteral("power 250 W, 71 °C.")),
                 qPrintable(panel.statusLabel()->text()));
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
        auto* runs = window.findChild<QTreeView*>(QStringLiteral("runsView"));
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
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString() !=
                QStringLiteral("running"),
            30000);
        // Once it ended, the panel says what it used (the runs list brings the stored figures).
        QTRY_VERIFY_WITH_TIMEOUT(
            window.systemPanel()->summaryLabel()->text().contains(QStringLiteral("Energy ")) &&
                !window.systemPanel()->summaryLabel()->text().contains(
                    QStringLiteral("not recorded yet")),
            30000);
        // What the panel drew is what the workspace holds.
        WorkspaceReader reader(db_);
        const auto samples =
            reader.systemSamples(window.runsModel()->runIdAt(window.runsModel()->index(0, 0)));
        QVERIFY(samples.size() >= cpu->pointCount(QStringLiteral("cpu_percent")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestSystemPanel)
#include "tst_systempanel.moc"
