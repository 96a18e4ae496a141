// Sweeps end to end through the job layer: external-command trials (good and failing),
// built-in trials with invalid points and ASHA pruning, resume without duplicates on the same
// trial numbers and rows, and a sweep whose every trial failed.
#include "../common/JobTestSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "jobs/SweepJob.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>
#include <set>

using namespace trainlab;

namespace {

SweepDefinition definition(const char* json) {
    return sweepDefinitionFromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("test"));
}

const char* kQuadratic = R"({"trainlab": 1, "name": "quadratic",
    "sweep": {"strategy": "random", "trials": 8, "parallel": 2, "seed": 5,
              "objective": {"metric": "value", "goal": "minimize"},
              "space": {"x": {"uniform": [-2, 2]}},
              "command": ["/bin/sh", "-c", "awk 'BEGIN{ if ({x} > 1.2) exit 3; print ({x} - 0.5)^2 }'"]}})";

} // namespace

class TestSweepJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("sweep.db"));
    }

    void externalCommandTrials() {
        test::BackendFixture backend(db_);
        const JobInfo result = backend.run(std::make_unique<SweepJob>(definition(kQuadratic)));
        QCOMPARE(result.status, RunStatus::Completed);
        QCOMPARE(trialsEnded(backend, result.id), 8);
        WorkspaceReader workspace(db_);
        const QJsonObject report = workspace.sweepReport(*workspace.sweep(result.sweepId));
        const QJsonArray trials = report.value(QStringLiteral("trials")).toArray();
        QCOMPARE(trials.size(), 8);
        double bestValue = 1e9;
        int failed = 0;
        for (const auto& t : trials) {
            const QJsonObject trial = t.toObject();
            const double x = trial.value(QStringLiteral("params"))
                                 .toObject()
                                 .value(QStringLiteral("x"))
                                 .toDouble();
            if (x > 1.2) {
                ++failed;
                QCOMPARE(trial.value(QStringLiteral("status")).toString(),
                         QStringLiteral("failed"));
                QVERIFY(trial.value(QStringLiteral("error"))
                            .toString()
                            .contains(QStringLiteral("exited with code 3")));
                continue;
            }
            const double value = trial.value(QStringLiteral("metrics"))
                                     .toObject()
                                     .value(QStringLiteral("value"))
                                     .toDouble();
            QVERIFY(std::abs(value - (x - 0.5) * (x - 0.5)) < 1e-5);
            bestValue = std::min(bestValue, value);
        }
        QVERIFY(failed < 8);
        const QJsonObject best = report.value(QStringLiteral("best")).toObject();
        QCOMPARE(best.value(QStringLiteral("metrics"))
                     .toObject()
                     .value(QStringLiteral("value"))
                     .toDouble(),
                 bestValue);
        QCOMPARE(report.value(QStringLiteral("pareto")).toArray().size(), 1);
        QCOMPARE(report.value(QStringLiteral("importance")).toObject().size(), 1);
    }

    void builtInTrialsWithInvalidPointsAndPruning() {
        const SweepDefinition def = definition(R"({"trainlab": 1, "name": "spirals",
            "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 900, "noise": 0.03}},
            "model": {"preset": "mlp"},
            "training": {"epochs": 9, "batch_size": 64, "checkpoint_every_epochs": 0},
            "devices": "cpu",
            "sweep": {"strategy": "grid", "parallel": 1, "trials": 100,
                      "objective": [{"metric": "val_accuracy", "goal": "maximize"}],
                      "space": {"training.optimizer.lr": {"choice": [0.01, 0.00001, 0.0001]},
                                "training.batch_size": {"choice": [0, 64]}},
                      "early_stop": {"type": "asha", "min": 1, "reduction": 3}}})");
        test::BackendFixture backend(db_);
        const JobInfo result = backend.run(std::make_unique<SweepJob>(def));
        QCOMPARE(result.status, RunStatus::Completed);
        WorkspaceReader workspace(db_);
        const auto trials = workspace.trials(result.sweepId);
        QCOMPARE(trials.size(), size_t(6)); // the grid: 3 rates x 2 batch sizes, then exhausted
        int invalid = 0;
        int pruned = 0;
        int completed = 0;
        double saved = 0;
        for (const TrialRecord& t : trials) {
            if (t.run.params.value(QStringLiteral("training.batch_size")).toInt() == 0) {
                ++invalid;
                QCOMPARE(t.run.status, RunStatus::Failed);
                QVERIFY(t.run.error.contains(QStringLiteral("training.batch_size: must be >= 1")));
            } else if (t.run.status == RunStatus::Pruned) {
                ++pruned;
                saved += t.savedDeviceHours.value_or(0);
            } else {
                QCOMPARE(t.run.status, RunStatus::Completed);
                ++completed;
            }
        }
        QCOMPARE(invalid, 3);
        // In order: lr 0.01 sets the bar at the first rung; 1e-5 and 1e-4 fall behind it there.
        QCOMPARE(completed, 1);
        QCOMPARE(pruned, 2);
        QVERIFY(saved > 0);
    }

    void resumeDoesNotRepeatFinishedTrials() {
        qint64 sweepId = 0;
        {
            test::BackendFixture backend(db_);
            const qint64 id = backend.submit(std::make_unique<SweepJob>(definition(kQuadratic)));
            QTRY_VERIFY_WITH_TIMEOUT(trialsEnded(backend, id) >= 3, 60000);
            backend.backend().cancel(id);
            const JobInfo stopped = backend.waitForEnd(id);
            QCOMPARE(stopped.status, RunStatus::Cancelled);
            sweepId = stopped.sweepId;
        }
        int rowsBefore = 0;
        {
            WorkspaceReader workspace(db_);
            rowsBefore = int(workspace.runs().size());
            QCOMPARE(workspace.sweep(sweepId)->status, RunStatus::Cancelled);
        }
        {
            test::BackendFixture backend(db_);
            WorkspaceReader workspace(db_);
            const JobInfo resumed = backend.run(
                std::make_unique<SweepJob>(resumeSweepDefinition(workspace, sweepId), sweepId));
            QCOMPARE(resumed.status, RunStatus::Completed);
        }
        WorkspaceReader workspace(db_);
        const auto trials = workspace.trials(sweepId);
        QCOMPARE(trials.size(), size_t(8));
        std::set<int> numbers;
        std::set<QString> points;
        for (const TrialRecord& t : trials) {
            numbers.insert(t.trial);
            points.insert(
                QString::fromUtf8(QJsonDocument(t.run.params).toJson(QJsonDocument::Compact)));
            QVERIFY(t.run.status == RunStatus::Completed || t.run.status == RunStatus::Failed);
        }
        QCOMPARE(numbers.size(), size_t(8));
        QCOMPARE(*numbers.rbegin(), 8);
        QCOMPARE(points.size(), size_t(8)); // no point ran twice
        // A trial cut short reran on its own row: one row per trial number, no more.
        QCOMPARE(int(workspace.runs().size()), 8);
        QVERIFY(rowsBefore <= 8);
        QCOMPARE(workspace.sweep(sweepId)->status, RunStatus::Completed);
    }

    void aCompletedSweepIsGivenMoreTrials() {
        qint64 sweepId = 0;
        {
            test::BackendFixture backend(db_);
            const JobInfo done = backend.run(std::make_unique<SweepJob>(definition(kQuadratic)));
            QCOMPARE(done.status, RunStatus::Completed);
            sweepId = done.sweepId;
        }
        {
            WorkspaceReader workspace(db_);
            QVERIFY_THROWS_EXCEPTION(InputError, extendedSweepDefinition(workspace, sweepId, 0));
            QVERIFY_THROWS_EXCEPTION(InputError, extendedSweepDefinition(workspace, 999, 3));
            // A completed sweep has nothing to resume, but can be extended.
            QVERIFY_THROWS_EXCEPTION(InputError, resumeSweepDefinition(workspace, sweepId));
            test::BackendFixture backend(db_);
            const JobInfo more = backend.run(std::make_unique<SweepJob>(
                extendedSweepDefinition(workspace, sweepId, 3), sweepId));
            QCOMPARE(more.status, RunStatus::Completed);
        }
        WorkspaceReader workspace(db_);
        const auto trials = workspace.trials(sweepId);
        QCOMPARE(trials.size(), size_t(11));
        std::set<QString> points;
        for (const TrialRecord& t : trials)
            points.insert(
                QString::fromUtf8(QJsonDocument(t.run.params).toJson(QJsonDocument::Compact)));
        QCOMPARE(points.size(), size_t(11)); // the new trials are new points
        QCOMPARE(trials.back().trial, 11);
        // The new total is stored: the sweep reads 11 planned trials from now on.
        QCOMPARE(workspace.sweep(sweepId)
                     ->spec[QStringLiteral("sweep")][QStringLiteral("trials")]
                     .toInt(),
                 11);
        QCOMPARE(workspace.sweep(sweepId)->status, RunStatus::Completed);
    }

    void everyTrialFailingFailsTheSweep() {
        const SweepDefinition def = definition(R"({"trainlab": 1, "name": "doomed",
            "sweep": {"strategy": "random", "trials": 3, "parallel": 1, "seed": 1,
                      "objective": {"metric": "value", "goal": "minimize"},
                      "space": {"x": {"uniform": [0, 1]}},
                      "command": ["/bin/sh", "-c", "exit 4"]}})");
        test::BackendFixture backend(db_);
        const JobInfo result = backend.run(std::make_unique<SweepJob>(def));
        QCOMPARE(result.status, RunStatus::Failed);
        QCOMPARE(result.failure, FailureKind::Runtime);
        QVERIFY2(result.error.contains(QStringLiteral("every trial failed")),
                 qPrintable(result.error));
        WorkspaceReader workspace(db_);
        QCOMPARE(workspace.sweep(result.sweepId)->status, RunStatus::Failed);
    }

    void badSweepSpecsAreRefused() {
        try {
            definition(R"({"trainlab": 1, "name": "x", "dataset": {"source": "synthetic"},
                "sweep": {"objective": {"metric": "value", "goal": "minimize"}, "space": {"x": {"uniform": [0, 1]}},
                          "command": ["/bin/true"]}})");
            QFAIL("expected an error");
        } catch (const SpecError& e) {
            QVERIFY(e.problems().contains(QStringLiteral(
                "dataset: an external-command sweep runs its own program; remove this key")));
        }
        try {
            definition(
                R"({"trainlab": 1, "dataset": {"source": "synthetic"}, "model": {"preset": "mlp"},
                "training": {"epochs": -1},
                "sweep": {"objective": {"metric": "val_loss", "goal": "minimize"}, "space": {"training.optimizer.lr": {"uniform": [1, 0]}}}})");
            QFAIL("expected an error");
        } catch (const SpecError& e) {
            QVERIFY(e.problems()
                        .filter(QStringLiteral("sweep.space.training.optimizer.lr.uniform"))
                        .size() == 1);
            QVERIFY(e.problems().filter(QStringLiteral("training.epochs")).size() == 1);
        }
    }

private:
    static int trialsEnded(const test::BackendFixture& backend, qint64 sweepJob) {
        return int(std::count_if(backend.finished.begin(), backend.finished.end(),
                                 [&](const JobInfo& info) { return info.parent == sweepJob; }));
    }

    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestSweepJob)
#include "tst_sweepjob.moc"
