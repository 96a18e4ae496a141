// The lab window end to end, as a person uses it without writing JSON: the Dataset page sizes
// the synthetic spirals, the Model page builds a three-layer MLP from its palette, the Training
// page sets epochs, learning rate and threads; Run experiment trains it while the loss curve
// grows; pause, resume and stop from the toolbar. Then a shorter run and a four-trial random
// sweep from the Sweep page, each saved with File > Save spec as; trainlab-cli given the saved
// files stores the same spec, parameters, status and final metrics.
#include "../common/FormDriving.h"
#include "../common/GuiTestSupport.h"
#include "../common/TestSupport.h"

#include "DatasetPage.h"
#include "JobsTableModel.h"
#include "LayerFieldForm.h"
#include "LayerListModel.h"
#include "MainWindow.h"
#include "MetricPlot.h"
#include "ModelPage.h"
#include "RunsTreeModel.h"
#include "SpecDocument.h"
#include "SweepPage.h"
#include "TrainingPage.h"

#include "store/WorkspaceReader.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QtTest>

using namespace trainlab;
using test::chooseInCombo;
using test::clickToolButton;
using test::typeInto;

namespace {

const QString kLoss = QStringLiteral("train_loss");

void clickTab(MainWindow& window, const QString& name) {
    QTabBar* bar = window.tabs()->tabBar();
    for (int i = 0; i < bar->count(); ++i) {
        if (bar->tabText(i).remove(QLatin1Char('&')) == name) {
            QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(i).center());
            QCOMPARE(window.tabs()->currentIndex(), i);
            return;
        }
    }
    QFAIL(qPrintable(QStringLiteral("no tab ") + name));
}

// Palette click on `type`, then Add.
void addLayer(ModelPage& page, const QString& type) {
    QTreeWidget* palette = page.palette();
    const QList<QTreeWidgetItem*> found =
        palette->findItems(type, Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    palette->scrollToItem(found.first());
    QTest::mouseClick(palette->viewport(), Qt::LeftButton, {},
                      palette->visualItemRect(found.first()).center());
    QTest::mouseClick(page.addButton(), Qt::LeftButton);
}

void clickLayer(ModelPage& page, int row) {
    QListView* view = page.layerView();
    const QModelIndex index = view->model()->index(row, 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
    QCOMPARE(view->currentIndex().row(), row);
}

QString jobStatus(const MainWindow& window, const QString& kind) {
    const QAbstractItemModel* jobs = window.jobsModel();
    for (int row = 0; row < jobs->rowCount(); ++row)
        if (jobs->index(row, JobsTableModel::Kind).data().toString() == kind)
            return jobs->index(row, JobsTableModel::Status).data().toString();
    return {};
}

void selectJob(MainWindow& window, const QString& kind) {
    auto* view = window.findChild<QTableView*>(QStringLiteral("jobsView"));
    for (int row = 0; row < window.jobsModel()->rowCount(); ++row)
        if (window.jobsModel()->index(row, JobsTableModel::Kind).data().toString() == kind) {
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                              view->visualRect(window.jobsModel()->index(row, 0)).center());
            return;
        }
}

// File > Save spec as…, type the name, Enter.
void saveSpecAs(MainWindow& window, const QString& path) {
    QFileDialog* dialog = window.chooseSpecSavePath();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->setDirectory(QFileInfo(path).absolutePath());
    auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    QVERIFY(nameEdit);
    QTest::keyClicks(nameEdit, QFileInfo(path).fileName());
    QTest::keyClick(nameEdit, Qt::Key_Return);
    QTRY_VERIFY(QFileInfo::exists(path));
}

void runCli(const QStringList& arguments) {
    QProcess cli;
    cli.start(QStringLiteral(TRAINLAB_CLI_PATH), arguments);
    QVERIFY(cli.waitForFinished(180000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
}

// What the window's and the CLI's workspaces must agree on, wall times and ids aside.
void compareRuns(WorkspaceReader& window, const RunRecord& a, WorkspaceReader& cli,
                 const RunRecord& b) {
    QCOMPARE(QJsonDocument::fromJson(a.spec.toUtf8()), QJsonDocument::fromJson(b.spec.toUtf8()));
    QCOMPARE(a.params, b.params);
    QCOMPARE(a.status, RunStatus::Completed);
    QCOMPARE(b.status, a.status);
    // Speed figures and the energy estimate (CPU seconds) are measurements of the moment, not
    // results.
    const auto results = [](QMap<QString, double> metrics) {
        for (const char* timing :
             {"samples_per_s", "step_time_ms", "data_wait_fraction", "energy_j"})
            metrics.remove(QString::fromLatin1(timing));
        return metrics;
    };
    const QMap<QString, double> ours = results(window.metricSummary(a.id).final);
    QVERIFY(ours.contains(QStringLiteral("test_accuracy")));
    QCOMPARE(results(cli.metricSummary(b.id).final), ours);
}

} // namespace

class TestLabWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        QSettings().clear();
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("lab.db"));
        prepareWorkspace(db_);
    }

    void designTrainPauseStopThenSweepMatchesTheCli() {
        MainWindow window(db_);
        window.resize(1300, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Dataset: the synthetic spirals, made smaller.
        clickTab(window, QStringLiteral("Dataset"));
        DatasetPage* dataset = window.datasetPage();
        QVERIFY(chooseInCombo(dataset->sourceBox(), QStringLiteral("Synthetic")));
        auto* kind = dataset->findChild<QComboBox*>(QStringLiteral("syntheticKind"));
        QVERIFY(chooseInCombo(kind, QStringLiteral("spirals")));
        typeInto(dataset->findChild<QSpinBox*>(QStringLiteral("syntheticSamples")),
                 QStringLiteral("1200"));
        SpecDocument* doc = window.specDocument();
        QTRY_COMPARE(doc->value(QStringLiteral("dataset.synthetic.samples")).toInt(), 1200);

        // Model: empty the list, then linear(32) relu linear(32) relu linear from the palette.
        clickTab(window, QStringLiteral("Model"));
        auto* model = window.findChild<ModelPage*>();
        QVERIFY(model);
        while (model->layerModel()->rowCount() > 0) {
            clickLayer(*model, 0);
            QTest::mouseClick(model->removeButton(), Qt::LeftButton);
        }
        for (const char* type : {"linear", "relu", "linear", "relu", "linear"})
            addLayer(*model, QString::fromLatin1(type));
        for (int row : {0, 2}) {
            clickLayer(*model, row);
            auto* out = qobject_cast<QSpinBox*>(model->fieldForm()->editor(QStringLiteral("out")));
            typeInto(out, QStringLiteral("32"));
        }
        const QJsonArray layers = doc->value(QStringLiteral("model.layers")).toArray();
        QCOMPARE(layers.size(), 5);
        QCOMPARE(layers[0][QStringLiteral("out")].toInt(), 32);
        QCOMPARE(layers[2][QStringLiteral("out")].toInt(), 32);
        QCOMPARE(layers[4][QStringLiteral("type")].toString(), QStringLiteral("linear"));
        QCOMPARE(model->totalsLabel()->text().contains(QStringLiteral("parameters")), true);

        // Training: many epochs (it is stopped), one thread so the CLI's figures match.
        clickTab(window, QStringLiteral("Training"));
        auto* training = window.findChild<TrainingPage*>();
        QVERIFY(training);
        typeInto(training->editor(QStringLiteral("training.epochs")), QStringLiteral("3000"));
        typeInto(training->editor(QStringLiteral("training.optimizer.lr")), QStringLiteral("0.02"));
        typeInto(training->editor(QStringLiteral("training.threads")), QStringLiteral("1"));
        QCOMPARE(doc->value(QStringLiteral("training.epochs")).toInt(), 3000);
        QCOMPARE(doc->value(QStringLiteral("training.optimizer.lr")).toDouble(), 0.02);
        QCOMPARE(doc->value(QStringLiteral("training.threads")).toInt(), 1);

        // Run experiment: the loss curve grows while it trains.
        auto* run = window.findChild<QAction*>(QStringLiteral("startSpecAction"));
        clickToolButton(window, run);
        clickTab(window, QStringLiteral("Runs"));
        MetricPlot* loss = window.lossPlot();
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(kLoss) > 0, 30000);
        const int early = loss->pointCount(kLoss);
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(kLoss) > early + 5, 30000);

        // Pause holds it; resume lets it grow again; stop ends it cancelled.
        selectJob(window, QStringLiteral("run"));
        auto* pause = window.findChild<QAction*>(QStringLiteral("pauseAction"));
        clickToolButton(window, pause);
        QTRY_COMPARE_WITH_TIMEOUT(jobStatus(window, QStringLiteral("run")),
                                  QStringLiteral("paused"), 15000);
        QTest::qWait(500); // the window in flight when pausing still arrives
        const int paused = loss->pointCount(kLoss);
        QTest::qWait(800);
        QCOMPARE(loss->pointCount(kLoss), paused);
        clickToolButton(window, pause);
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(kLoss) > paused, 30000);
        selectJob(window, QStringLiteral("run"));
        clickToolButton(window, window.findChild<QAction*>(QStringLiteral("stopAction")));
        QTRY_COMPARE_WITH_TIMEOUT(jobStatus(window, QStringLiteral("run")),
                                  QStringLiteral("cancelled"), 30000);

        // A short run to completion, and its spec saved for the CLI.
        clickTab(window, QStringLiteral("Training"));
        typeInto(training->editor(QStringLiteral("training.epochs")), QStringLiteral("4"));
        clickToolButton(window, run);
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString(),
            QStringLiteral("completed"), 60000);
        const QString runSpec = dir_->filePath(QStringLiteral("spirals-run.json"));
        saveSpecAs(window, runSpec);

        // Sweep page: the learning rate, random, four trials, two at a time.
        clickTab(window, QStringLiteral("Sweep"));
        auto* sweep = window.findChild<SweepPage*>();
        QVERIFY(sweep);
        QTest::mouseClick(sweep->addButton(), Qt::LeftButton);
        QVERIFY(doc->isSweep());
        QVERIFY(chooseInCombo(sweep->strategyBox(), QStringLiteral("random")));
        typeInto(sweep->trialsBox(), QStringLiteral("4"));
        typeInto(sweep->parallelBox(), QStringLiteral("2"));
        typeInto(sweep->seedBox(), QStringLiteral("5"));
        QCOMPARE(doc->value(QStringLiteral("sweep.trials")).toInt(), 4);
        clickToolButton(window, run);
        QTRY_COMPARE_WITH_TIMEOUT(jobStatus(window, QStringLiteral("sweep")),
                                  QStringLiteral("completed"), 120000);
        const QString sweepSpec = dir_->filePath(QStringLiteral("spirals-sweep.json"));
        saveSpecAs(window, sweepSpec);
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->matchingRuns() == 6, 10000);

        // trainlab-cli, given the saved files, stores the same things.
        const QString cliDb = dir_->filePath(QStringLiteral("cli.db"));
        runCli({QStringLiteral("run"), runSpec, QStringLiteral("--db"), cliDb});
        runCli({QStringLiteral("sweep"), sweepSpec, QStringLiteral("--db"), cliDb});
        WorkspaceReader ours(db_);
        WorkspaceReader theirs(cliDb);
        const auto ourRuns = ours.runs();     // newest first
        const auto theirRuns = theirs.runs(); // the run, then the sweep's four trials
        QCOMPARE(int(ourRuns.size()), 6);
        QCOMPARE(int(theirRuns.size()), 5);
        const auto single = [](const std::vector<RunRecord>& runs) {
            for (const RunRecord& r : runs)
                if (r.sweep == 0 && r.status == RunStatus::Completed)
                    return r;
            return RunRecord{};
        };
        compareRuns(ours, single(ourRuns), theirs, single(theirRuns));
        QCOMPARE(ours.sweeps().front().status, RunStatus::Completed);
        const auto ourTrials = ours.trials(ours.sweeps().front().id);
        const auto theirTrials = theirs.trials(theirs.sweeps().front().id);
        QCOMPARE(int(ourTrials.size()), 4);
        QCOMPARE(theirTrials.size(), ourTrials.size());
        for (size_t i = 0; i < ourTrials.size(); ++i) {
            QCOMPARE(theirTrials[i].trial, ourTrials[i].trial);
            compareRuns(ours, ourTrials[i].run, theirs, theirTrials[i].run);
        }
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestLabWindow)
#include "tst_labwindow.moc"
