// The job layer's scheduler: device slots, the queue (waiting visibly, remove, move up), a run
// waiting for a sweep's trial on one CPU slot, cancelling and pausing a sweep mid-trial.
#include "../common/JobTestSupport.h"
#include "../common/TestSupport.h"

#include "jobs/DevicePool.h"
#include "jobs/RunJob.h"
#include "jobs/SweepJob.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"

#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

std::unique_ptr<RunJob> quickstartJob(int epochs) {
    return std::make_unique<RunJob>(
        RunRequest{loadSpecFile(test::quickstartSpec(),
                                {QStringLiteral("training.epochs=%1").arg(epochs),
                                 QStringLiteral("training.checkpoint_every_epochs=1")}),
                   {},
                   0});
}

/// A built-in sweep whose trials take long enough to be caught running.
std::unique_ptr<SweepJob> slowSweep(int trials, int parallel) {
    QJsonObject json = readJsonFile(test::quickstartSpec());
    QJsonObject training = json.value(QStringLiteral("training")).toObject();
    training.insert(QStringLiteral("epochs"), 300);
    json.insert(QStringLiteral("training"), training);
    json.insert(QStringLiteral("sweep"),
                QJsonDocument::fromJson(QStringLiteral(R"({"strategy": "random", "trials": %1,
                    "parallel": %2, "seed": 3,
                    "objective": {"metric": "val_accuracy", "goal": "maximize"},
                    "space": {"training.optimizer.lr": {"log_uniform": [0.001, 0.01]}}})")
                                            .arg(trials)
                                            .arg(parallel)
                                            .toUtf8())
                    .object());
    return std::make_unique<SweepJob>(sweepDefinitionFromJson(json, QStringLiteral("slow")));
}

const JobInfo* runningTrial(test::BackendFixture& backend, qint64 sweepJob) {
    static JobInfo found;
    for (const JobInfo& info : backend.backend().jobs()) {
        if (info.parent == sweepJob && info.status == RunStatus::Running && info.runId > 0) {
            found = info;
            return &found;
        }
    }
    return nullptr;
}

} // namespace

class TestBackend : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("jobs.db"));
    }

    void devicePoolGrantsWhatIsFree() {
        DevicePool pool(4, {QStringLiteral("cuda:0")});
        QVERIFY(pool.whyNever({{}, 5}).contains(QStringLiteral("this machine has 4")));
        QVERIFY(pool.whyNever({{QStringLiteral("cuda:3")}, 0})
                    .contains(QStringLiteral("cuda:3 is not available")));
        const auto all = pool.tryAcquire({{}, DeviceDemand::kAllCpuSlots});
        QVERIFY(all);
        QCOMPARE(all->cpuSlots, 4);
        QVERIFY(!pool.tryAcquire({{}, 1}));                        // every core is taken
        QVERIFY(pool.tryAcquire({{QStringLiteral("cuda:0")}, 0})); // the GPU is not
        QVERIFY(!pool.tryAcquire({{QStringLiteral("cuda:0")}, 0}));
        pool.release(*all);
        QCOMPARE(pool.freeCpuSlots(), 4);
        QVERIFY(!pool.gpuFree(QStringLiteral("cuda:0")));
    }

    void sweepTrialsArePlacedOnTheLeastLoadedGpu() {
        const QStringList gpus{QStringLiteral("cuda:0"), QStringLiteral("cuda:1")};
        DevicePool pool(2, gpus);
        // Four small trials a GPU: eight fit, spread over both before doubling up.
        DeviceDemand quarter;
        quarter.anyGpus = 1;
        quarter.gpuShare = 0.25;
        QList<DeviceGrant> granted;
        for (int i = 0; i < 8; ++i) {
            const auto grant = pool.tryAcquire(quarter);
            QVERIFY(grant);
            QCOMPARE(grant->gpus.size(), 1);
            QCOMPARE(grant->gpus.first(), gpus[i % 2]);
            granted << *grant;
        }
        QVERIFY(!pool.tryAcquire(quarter)); // both GPUs full
        QCOMPARE(pool.gpuLoad(gpus[0]), 1.0);
        // A whole-GPU run waits until one is empty; a trial's end frees its quarter only.
        DeviceDemand whole{{QStringLiteral("cuda:1")}, 0};
        QVERIFY(!pool.tryAcquire(whole));
        for (const DeviceGrant& g : granted)
            if (g.gpus.first() == gpus[1])
                pool.release(g);
        QVERIFY(pool.gpuFree(gpus[1]));
        QVERIFY(pool.tryAcquire(whole));
        QVERIFY(!pool.tryAcquire(quarter)); // cuda:0 is full, cuda:1 is the run's
        // Two GPUs at once, and asking for more than there are.
        DeviceDemand two;
        two.anyGpus = 2;
        QVERIFY(pool.whyNever(two).isEmpty());
        two.anyGpus = 3;
        QVERIFY(pool.whyNever(two).contains(QStringLiteral("3 GPUs asked for")));
        DeviceDemand bad;
        bad.anyGpus = 1;
        bad.gpuShare = 0;
        QVERIFY(!pool.whyNever(bad).isEmpty());
    }

    void aTrialOnAutoDevicesAsksForAnyGpu() {
        const ExperimentSpec spec = parseSpec(
            R"({"trainlab": 1, "dataset": {"source": "synthetic"}, "model": {"preset": "mlp"},
                "training": {"threads": 1}})",
            QStringLiteral("trial.json"));
        const QStringList gpus{QStringLiteral("cuda:0"), QStringLiteral("cuda:1")};
        const DeviceDemand onGpus = trialDemand(spec, 4, gpus);
        QCOMPARE(onGpus.anyGpus, 1);
        QCOMPARE(onGpus.gpuShare, 0.25);
        QVERIFY(onGpus.gpus.isEmpty());
        QCOMPARE(onGpus.cpuSlots, 0);
        // No GPU: the CPU slots a run of the spec takes.
        const DeviceDemand onCpu = trialDemand(spec, 4, {});
        QCOMPARE(onCpu.anyGpus, 0);
        QCOMPARE(onCpu.cpuSlots, 1);
        // A spec that names its device keeps it.
        ExperimentSpec named = spec;
        named.devices = {QStringLiteral("cpu")};
        QCOMPARE(trialDemand(named, 4, gpus).cpuSlots, 1);
        QCOMPARE(trialDemand(named, 4, gpus).anyGpus, 0);
    }

    void runWaitsQueuedWhileATrialHoldsTheOnlySlotAndSweepCancelStopsTheTrial() {
        test::BackendFixture backend(db_, 1);
        const qint64 sweep = backend.submit(slowSweep(3, 1));
        QTRY_VERIFY_WITH_TIMEOUT(runningTrial(backend, sweep) != nullptr, 60000);
        const JobInfo trial = *runningTrial(backend, sweep);

        const qint64 run = backend.submit(quickstartJob(2));
        QTest::qWait(800);
        QCOMPARE(backend.backend().job(run)->status, RunStatus::Queued); // visibly waiting
        QVERIFY(backend.backend().job(run)->runId == 0);

        backend.backend().cancel(sweep);
        const JobInfo sweepEnd = backend.waitForEnd(sweep);
        QCOMPARE(sweepEnd.status, RunStatus::Cancelled);
        QCOMPARE(backend.waitForEnd(trial.id).status, RunStatus::Cancelled);
        // The slot is free again: the queued run starts and finishes.
        QCOMPARE(backend.waitForEnd(run).status, RunStatus::Completed);

        WorkspaceReader workspace(db_);
        for (const RunRecord& row : workspace.runs())
            QVERIFY2(row.status != RunStatus::Running, qPrintable(row.name));
        QCOMPARE(workspace.run(trial.runId)->status, RunStatus::Cancelled);
        QCOMPARE(workspace.sweep(sweepEnd.sweepId)->status, RunStatus::Cancelled);
    }

    void queuedJobsCanBeRemovedOrMovedUp() {
        test::BackendFixture backend(db_, 1);
        const qint64 first = backend.submit(quickstartJob(200));
        const qint64 second = backend.submit(quickstartJob(1));
        const qint64 third = backend.submit(quickstartJob(1));
        QTRY_COMPARE_WITH_TIMEOUT(backend.backend().job(first)->status, RunStatus::Running, 30000);
        QVERIFY(!backend.backend().moveUp(first)); // running: nothing to move
        QVERIFY(backend.backend().moveUp(third));
        const QVector<JobInfo> order = backend.backend().jobs();
        QCOMPARE(order[0].id, first);
        QCOMPARE(order[1].id, third);
        QCOMPARE(order[2].id, second);
        QVERIFY(backend.backend().remove(second));
        QVERIFY(!backend.backend().job(second));
        QVERIFY(!backend.backend().remove(first)); // running jobs are stopped, not removed
        backend.backend().cancel(first);
        QCOMPARE(backend.waitForEnd(first).status, RunStatus::Cancelled);
        QCOMPARE(backend.waitForEnd(third).status, RunStatus::Completed);
        QTest::qWait(300);
        WorkspaceReader workspace(db_);
        QCOMPARE(workspace.runs().size(), size_t(2)); // the removed job never made a row
    }

    void pausingASweepHoldsItsTrialsAndResumingGoesOn() {
        test::BackendFixture backend(db_, 2);
        const qint64 sweep = backend.submit(slowSweep(2, 2));
        QTRY_VERIFY_WITH_TIMEOUT(runningTrial(backend, sweep) != nullptr, 60000);
        backend.backend().setPaused(sweep, true);
        QTRY_COMPARE_WITH_TIMEOUT(backend.backend().job(sweep)->status, RunStatus::Paused, 30000);
        const auto pausedTrials = [&] {
            int n = 0;
            for (const JobInfo& info : backend.backend().jobs())
                n += info.parent == sweep && info.status == RunStatus::Paused;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(pausedTrials(), 2, 30000);
        {
            WorkspaceReader workspace(db_);
            QCOMPARE(workspace.sweep(backend.backend().job(sweep)->sweepId)->status,
                     RunStatus::Paused);
        }
        QTest::qWait(300); // the batch in flight when the trials paused still arrives
        const int points = backend.metricPoints;
        QTest::qWait(600);
        QCOMPARE(backend.metricPoints, points); // held still
        backend.backend().setPaused(sweep, false);
        QTRY_COMPARE_WITH_TIMEOUT(backend.backend().job(sweep)->status, RunStatus::Running, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(backend.metricPoints > points + 10, 30000);
        backend.backend().cancel(sweep);
        QCOMPARE(backend.waitForEnd(sweep).status, RunStatus::Cancelled);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestBackend)
#include "tst_backend.moc"
