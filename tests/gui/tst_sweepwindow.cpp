// A sweep through the real window, as a person runs one: choose a sweep spec in the "Run spec"
// dialog, watch its trials appear in the queue as they start and finish, pause it, resume it,
// stop it; then the workspace holds no row still running.
#include "../common/GuiTestSupport.h"
#include "../common/TestSupport.h"

#include "JobsTableModel.h"
#include "MainWindow.h"
#include "RunsTreeModel.h"

#include "store/WorkspaceReader.h"

#include <QAction>
#include <QFileDialog>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QSpinBox>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;
using test::clickToolButton;

namespace {

// experiments/fashion_sweep.json made quick: fewer samples, epochs and trials; the same
// search, network and early stopping.
QByteArray quickFashionSweep() {
    QJsonObject spec =
        QJsonDocument::fromJson(
            test::readFile(test::sourcePath(QStringLiteral("experiments/fashion_sweep.json"))))
            .object();
    QJsonObject dataset = spec.value(QStringLiteral("dataset")).toObject();
    dataset.insert(QStringLiteral("max_train_samples"), 1200);
    spec.insert(QStringLiteral("dataset"), dataset);
    QJsonObject training = spec.value(QStringLiteral("training")).toObject();
    training.insert(QStringLiteral("epochs"), 3);
    spec.insert(QStringLiteral("training"), training);
    QJsonObject sweep = spec.value(QStringLiteral("sweep")).toObject();
    sweep.insert(QStringLiteral("trials"), 8);
    sweep.insert(QStringLiteral("n_init"), 3);
    spec.insert(QStringLiteral("sweep"), sweep);
    return QJsonDocument(spec).toJson();
}

struct QueueCounts {
    int sweeps = 0;
    int trials = 0;
    int trialsRunning = 0;
    int trialsFinished = 0;
    QString sweepStatus;
    int sweepRow = -1;
};

// What the queue panel shows, read from its cells as a person reads them.
QueueCounts readQueue(const QTableView& view) {
    QueueCounts counts;
    const QAbstractItemModel* model = view.model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString kind = model->index(row, JobsTableModel::Kind).data().toString();
        const QString status = model->index(row, JobsTableModel::Status).data().toString();
        const bool indented =
            model->index(row, JobsTableModel::Title).data().toString().startsWith(QLatin1Char(' '));
        if (kind == QLatin1String("sweep")) {
            ++counts.sweeps;
            counts.sweepStatus = status;
            counts.sweepRow = row;
        } else if (indented) {
            ++counts.trials;
            counts.trialsRunning += status == QLatin1String("running");
            counts.trialsFinished += status == QLatin1String("completed") ||
                                     status == QLatin1String("pruned") ||
                                     status == QLatin1String("failed");
        }
    }
    return counts;
}

} // namespace

class TestSweepWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("sweep.db"));
        prepareWorkspace(db_);
    }

    void sweepRunsPausesResumesAndStopsFromTheWindow() {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/datasets/fashion-mnist")))
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        const QString specPath = dir_->filePath(QStringLiteral("fashion_sweep_quick.json"));
        test::writeFile(specPath, quickFashionSweep());

        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Run spec… → type the file's name → Enter.
        QFileDialog* dialog = window.chooseSpecFile(dir_->path());
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(nameEdit);
        QTest::keyClicks(nameEdit, QFileInfo(specPath).fileName());
        QTest::keyClick(nameEdit, Qt::Key_Return);
        QTRY_VERIFY(!dialog->isVisible());

        auto* jobs = window.findChild<QTableView*>(QStringLiteral("jobsView"));
        QVERIFY(jobs);
        // Trials appear as they start: two at once (parallel 2), on the sweep's behalf.
        QTRY_VERIFY_WITH_TIMEOUT(readQueue(*jobs).trialsRunning == 2, 60000);
        QCOMPARE(readQueue(*jobs).sweeps, 1);
        // The sweep's own row updates in its own queued signal, after its trials' rows may.
        QTRY_COMPARE(readQueue(*jobs).sweepStatus, QStringLiteral("running"));
        // ... and as they finish.
        QTRY_VERIFY_WITH_TIMEOUT(readQueue(*jobs).trialsFinished >= 2, 120000);

        // Select the sweep's row and pause it: the sweep and its running trials hold.
        jobs->selectRow(readQueue(*jobs).sweepRow);
        auto* pause = window.findChild<QAction*>(QStringLiteral("pauseAction"));
        clickToolButton(window, pause);
        QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).sweepStatus, QStringLiteral("paused"), 30000);
        // Trials hold at their next step; one in a validation pass or still loading its data
        // holds after it, which on a loaded 2-core machine took up to 41 s.
        QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).trialsRunning, 0, 90000);
        QVERIFY(pause->isChecked());
        const int finishedWhilePaused = readQueue(*jobs).trialsFinished;
        const int trialsWhilePaused = readQueue(*jobs).trials;
        QTest::qWait(1500);
        QCOMPARE(readQueue(*jobs).trialsFinished, finishedWhilePaused);
        QCOMPARE(readQueue(*jobs).trials, trialsWhilePaused); // no new trial while paused
        {
            WorkspaceReader workspace(db_);
            QCOMPARE(workspace.sweeps().front().status, RunStatus::Paused);
        }

        // Resume: trials run again and more of them finish.
        jobs->selectRow(readQueue(*jobs).sweepRow);
        clickToolButton(window, pause);
        QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).sweepStatus, QStringLiteral("running"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(readQueue(*jobs).trialsFinished > finishedWhilePaused, 120000);

        // Stop: the sweep ends cancelled, its running trials with it.
        jobs->selectRow(readQueue(*jobs).sweepRow);
        clickToolButton(window, window.findChild<QAction*>(QStringLiteral("stopAction")));
        QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).sweepStatus, QStringLiteral("cancelled"), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).trialsRunning, 0, 30000);

        WorkspaceReader workspace(db_);
        const SweepRecord sweep = workspace.sweeps().front();
        QCOMPARE(sweep.status, RunStatus::Cancelled);
        const auto trials = workspace.trials(sweep.id);
        QVERIFY(int(trials.size()) > finishedWhilePaused);
        for (const TrialRecord& trial : trials)
            QVERIFY2(trial.run.status != RunStatus::Running &&
                         trial.run.status != RunStatus::Paused,
                     qPrintable(runStatusName(trial.run.status)));
        // The window lists the trials' runs too (under their sweep's row).
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->matchingRuns() == int(trials.size()), 10000);
    }

    void cliSweepGivesTheWindowsTrials() {
        // Sequential trials, so the search sees the same history in both and must propose the
        // same points; each trial is seeded, so it must score the same.
        const QString specPath = dir_->filePath(QStringLiteral("blobs_sweep.json"));
        test::writeFile(specPath, R"({"trainlab": 1, "name": "blobs-sweep",
            "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 600,
                        "classes": 3, "features": 4, "noise": 1.5}, "validation_split": 0.2},
            "model": {"layers": [{"type": "linear", "out": 16}, {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 2, "batch_size": 32, "threads": 1},
            "devices": "cpu",
            "sweep": {"strategy": "bayesian", "trials": 4, "parallel": 1, "seed": 7, "n_init": 2,
                      "objective": [{"metric": "val_loss", "goal": "minimize"}],
                      "space": {"training.optimizer.lr": {"log_uniform": [1e-3, 1e-1]},
                                "model.layers[0].out": {"int": [4, 32]}}}})");
        {
            MainWindow window(db_);
            QVERIFY(window.startSpecFile(specPath));
            auto* jobs = window.findChild<QTableView*>(QStringLiteral("jobsView"));
            QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).sweepStatus, QStringLiteral("completed"),
                                      120000);
        }
        const QString cliDb = dir_->filePath(QStringLiteral("cli.db"));
        QProcess cli;
        cli.start(QStringLiteral(TRAINLAB_CLI_PATH),
                  {QStringLiteral("sweep"), specPath, QStringLiteral("--db"), cliDb});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        // A finished sweep is given two more trials: in the window through Run > More trials…,
        // headless through `sweep --resume 1 --more-trials 2`.
        {
            MainWindow window(db_);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* runs = window.findChild<QTreeView*>(QStringLiteral("runsView"));
            QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->matchingRuns() == 4, 10000);
            // The sweep's row (its trials under it) is the first.
            QTest::mouseClick(runs->viewport(), Qt::LeftButton, {},
                              runs->visualRect(window.runsModel()->index(0, 0)).center());
            auto* more = window.findChild<QAction*>(QStringLiteral("moreTrialsAction"));
            QTRY_VERIFY(more->isEnabled());
            more->trigger();
            QInputDialog* ask = nullptr;
            QTRY_VERIFY(
                (ask = window.findChild<QInputDialog*>(QStringLiteral("moreTrialsDialog"))));
            auto* count = ask->findChild<QSpinBox*>();
            QVERIFY(count);
            count->selectAll();
            QTest::keyClicks(count, QStringLiteral("2"));
            QTest::keyClick(count, Qt::Key_Return);
            auto* jobs = window.findChild<QTableView*>(QStringLiteral("jobsView"));
            QTRY_COMPARE_WITH_TIMEOUT(readQueue(*jobs).sweepStatus, QStringLiteral("completed"),
                                      120000);
        }
        QProcess moreCli;
        moreCli.start(QStringLiteral(TRAINLAB_CLI_PATH),
                      {QStringLiteral("sweep"), QStringLiteral("--resume"), QStringLiteral("1"),
                       QStringLiteral("--more-trials"), QStringLiteral("2"), QStringLiteral("--db"),
                       cliDb});
        QVERIFY(moreCli.waitForFinished(120000));
        QVERIFY2(moreCli.exitCode() == 0, moreCli.readAllStandardError().constData());

        const auto trialsOf = [](const QString& path) {
            WorkspaceReader workspace(path);
            return workspace.trials(workspace.sweeps().front().id);
        };
        const auto window = trialsOf(db_);
        const auto headless = trialsOf(cliDb);
        QCOMPARE(window.size(), size_t(6));
        QCOMPARE(headless.size(), window.size());
        for (size_t i = 0; i < window.size(); ++i) {
            QCOMPARE(headless[i].trial, window[i].trial);
            QCOMPARE(headless[i].run.params, window[i].run.params);
            QCOMPARE(headless[i].run.status, RunStatus::Completed);
            QCOMPARE(headless[i].metrics.value(QStringLiteral("val_loss")),
                     window[i].metrics.value(QStringLiteral("val_loss")));
        }
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestSweepWindow)
#include "tst_sweepwindow.moc"
