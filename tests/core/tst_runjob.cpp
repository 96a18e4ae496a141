// A real run end to end through the job layer: quickstart accuracy, the same losses for the
// same seed, cancel mid-run, failures stored with their message and kind, checkpoints that
// belong to their own workspace, pause stored and resumed by a new process.
#include "../common/JobTestSupport.h"
#include "../common/RawSql.h"
#include "../common/TestSupport.h"

#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"

#include <QProcess>
#include <QtTest>
#include <sqlite3.h>

using namespace trainlab;
using test::rawExec;

namespace {

std::unique_ptr<RunJob> quickstartJob(const QStringList& overrides = {}) {
    return std::make_unique<RunJob>(
        RunRequest{loadSpecFile(test::quickstartSpec(), overrides), {}, 0});
}

} // namespace

class TestRunJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("run.db"));
    }

    void quickstartReachesNinetyPercent() {
        const ExperimentSpec spec = loadSpecFile(test::quickstartSpec());
        JobInfo job;
        {
            test::BackendFixture backend(path_);
            job = backend.run(quickstartJob());
            QVERIFY(backend.metricPoints > 0); // live points reached the backend's observers
        }
        QVERIFY2(job.status == RunStatus::Completed, qPrintable(job.error));
        QCOMPARE(job.failure, FailureKind::None);
        QVERIFY(job.runId > 0);
        WorkspaceReader workspace(path_);
        const auto run = workspace.run(job.runId);
        QCOMPARE(run->status, RunStatus::Completed);
        QVERIFY(run->deviceHours && *run->deviceHours > 0);
        const auto summary = workspace.metricSummary(job.runId);
        const double accuracy = summary.final.value(QStringLiteral("val_accuracy"));
        QVERIFY2(accuracy >= 0.90, qPrintable(QString::number(accuracy)));
        QVERIFY(summary.final.contains(QStringLiteral("test_accuracy")));
        // Per-epoch validation, train metrics every log_every_steps.
        QCOMPARE(workspace.metricSeries(job.runId, QStringLiteral("val_loss")).size(),
                 spec.training.epochs);
        QVERIFY(workspace.metricSeries(job.runId, QStringLiteral("train_loss")).size() >
                spec.training.epochs);
        QVERIFY(workspace.metricNames(job.runId).contains(QStringLiteral("lr")));
        QCOMPARE(job.progress.totalSteps, job.progress.step); // progress followed the run
    }

    void sameSeedGivesSameLosses() {
        test::BackendFixture backend(path_);
        QVector<double> losses[2];
        for (int i = 0; i < 2; ++i) {
            const JobInfo job = backend.run(quickstartJob({QStringLiteral("training.epochs=2")}));
            QCOMPARE(job.status, RunStatus::Completed);
            WorkspaceReader workspace(path_);
            for (const auto& p : workspace.metricSeries(job.runId, QStringLiteral("train_loss")))
                losses[i].append(p.value);
        }
        QVERIFY(!losses[0].isEmpty());
        QCOMPARE(losses[0], losses[1]);
    }

    void cancelStopsAfterTheCurrentStepAndKeepsMetrics() {
        JobInfo job;
        int seen = 0;
        {
            test::BackendFixture backend(path_);
            const qint64 id =
                backend.submit(quickstartJob({QStringLiteral("training.epochs=500")}));
            backend.onMetrics = [&](const QVector<MetricPoint>&) {
                if (backend.metricPoints >= 40)
                    backend.backend().cancel(id);
            };
            job = backend.waitForEnd(id);
            seen = backend.metricPoints;
        }
        QCOMPARE(job.status, RunStatus::Cancelled);
        WorkspaceReader workspace(path_);
        QCOMPARE(workspace.run(job.runId)->status, RunStatus::Cancelled);
        int stored = 0;
        for (const QString& name : workspace.metricNames(job.runId))
            stored += int(workspace.metricSeries(job.runId, name).size());
        QCOMPARE(stored, seen); // everything logged before the cancel is kept, and shown
        QVERIFY(stored >= 40);
        QVERIFY(workspace.metricSeries(job.runId, QStringLiteral("val_loss")).size() < 20);
    }

    void failuresAreStoredWithTheirMessageAndKind() {
        // A model whose last layer cannot produce the 3 class scores: bad input.
        auto job = std::make_unique<RunJob>(
            RunRequest{parseSpec(R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                          "model": {"layers": [{"type": "linear", "out": 7}]},
                          "training": {"epochs": 1}, "devices": "cpu"})",
                                 QStringLiteral("inline")),
                       {},
                       0});
        test::BackendFixture backend(path_);
        const JobInfo info = backend.run(std::move(job));
        QCOMPARE(info.status, RunStatus::Failed);
        QCOMPARE(info.failure, FailureKind::BadInput);
        QVERIFY2(info.error.contains(QStringLiteral("model: the last layer outputs [7]")),
                 qPrintable(info.error));
        WorkspaceReader workspace(path_);
        QCOMPARE(workspace.run(info.runId)->error, info.error);
    }

    void missingDeviceIsRefusedBeforeAnythingIsStored() {
        try {
            quickstartJob({QStringLiteral("devices=[\"cuda:7\"]")});
            QFAIL("expected an InputError");
        } catch (const InputError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("devices: cuda:7 is not available")),
                     qPrintable(e.message()));
        }
    }

    void moreThreadsThanCoresIsRefused() {
        test::BackendFixture backend(path_, 2);
        QVERIFY_THROWS_EXCEPTION(
            InputError, backend.submit(quickstartJob({QStringLiteral("training.threads=1024")})));
    }

    void divergenceFailsWhileRunningWithStepAndHint() {
        test::BackendFixture backend(path_);
        const JobInfo job =
            backend.run(quickstartJob({QStringLiteral("training.optimizer.lr=1e30"),
                                       QStringLiteral("training.optimizer.type=sgd"),
                                       QStringLiteral("training.schedule.warmup_steps=0")}));
        QCOMPARE(job.status, RunStatus::Failed);
        QCOMPARE(job.failure, FailureKind::Runtime);
        QVERIFY2(job.error.contains(QStringLiteral("training diverged")), qPrintable(job.error));
        QVERIFY(job.error.contains(QStringLiteral("at step")));
    }

    void workspacesInOneFolderKeepTheirOwnCheckpoints() {
        const QString a = dir_->filePath(QStringLiteral("a.db"));
        const QString b = dir_->filePath(QStringLiteral("b.db"));
        for (const QString& path : {a, b}) {
            test::BackendFixture backend(path);
            QCOMPARE(backend.run(quickstartJob({QStringLiteral("training.epochs=1")})).runId,
                     qint64(1));
        }
        const QString aDir = WorkspaceReader(a).run(1)->checkpointDir;
        QCOMPARE(aDir, dir_->filePath(QStringLiteral("a.trainlab/checkpoints/run-1")));
        // One checkpoint per run is kept, named by its step.
        const QStringList aLast = QDir(aDir).entryList({QStringLiteral("last-*.pt")});
        QCOMPARE(aLast.size(), 1);
        QCOMPARE(QDir(dir_->filePath(QStringLiteral("b.trainlab/checkpoints/run-1")))
                     .entryList({QStringLiteral("last-*.pt")}),
                 aLast);

        // b's run 1 pointed at a's checkpoint (same spec, same run number): resume refuses it.
        rawExec(b, qPrintable(QStringLiteral("UPDATE checkpoints SET path = '%1/%2' WHERE "
                                             "run = 1 AND is_best = 0; UPDATE runs SET status = "
                                             "'cancelled' WHERE id = 1")
                                  .arg(aDir, aLast.first())));
        WorkspaceReader workspace(b);
        test::BackendFixture backend(b);
        const JobInfo resumed = backend.run(std::make_unique<RunJob>(resumeRequest(workspace, 1)));
        QCOMPARE(resumed.status, RunStatus::Failed);
        QVERIFY2(resumed.error.contains(QStringLiteral("belongs to run 1 of workspace")) &&
                     resumed.error.contains(QStringLiteral("not to run 1 of this workspace")),
                 qPrintable(resumed.error));
    }

    void pauseIsStoredAndANewProcessResumesFromTheSameStep() {
        qint64 runId = 0;
        qint64 pausedStep = 0;
        {
            test::BackendFixture backend(path_);
            const qint64 id = backend.submit(quickstartJob({QStringLiteral("training.epochs=30")}));
            QTRY_VERIFY_WITH_TIMEOUT(backend.metricPoints >= 30, 60000);
            backend.backend().setPaused(id, true);
            QTRY_VERIFY_WITH_TIMEOUT(backend.backend().job(id)->status == RunStatus::Paused, 30000);
            runId = backend.backend().job(id)->runId;
            WorkspaceReader workspace(path_);
            QCOMPARE(workspace.run(runId)->status, RunStatus::Paused);
            const auto losses = workspace.metricSeries(runId, QStringLiteral("train_loss"));
            QVERIFY(!losses.isEmpty());
            pausedStep = losses.last().step;
            QTest::qWait(500);
            // Held still: nothing more is logged while paused.
            QCOMPARE(workspace.metricSeries(runId, QStringLiteral("train_loss")).last().step,
                     pausedStep);
        } // the program closes with the run paused: it stays paused, owned by nobody
        {
            WorkspaceReader workspace(path_);
            QCOMPARE(workspace.run(runId)->status, RunStatus::Paused);
            QVERIFY(workspace.run(runId)->owner.isEmpty());
        }

        QProcess cli;
        cli.start(
            QStringLiteral(TRAINLAB_CLI_PATH),
            {QStringLiteral("resume"), QString::number(runId), QStringLiteral("--db"), path_});
        QVERIFY(cli.waitForFinished(120000));
        const QString log = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("resumed at step")), qPrintable(log));

        WorkspaceReader workspace(path_);
        QCOMPARE(workspace.run(runId)->status, RunStatus::Completed);
        const auto losses = workspace.metricSeries(runId, QStringLiteral("train_loss"));
        QSet<qint64> steps;
        for (const MetricPoint& p : losses)
            steps.insert(p.step);
        QCOMPARE(steps.size(), losses.size()); // no step logged twice
        QVERIFY(steps.contains(pausedStep));
        QVERIFY(losses.last().step > pausedStep);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestRunJob)
#include "tst_runjob.moc"
