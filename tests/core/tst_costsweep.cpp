// Cost in sweeps: an objective may be a trial's energy_j, device_hours or cost (so accuracy
// against energy gives a Pareto front), a sweep sums what its trials used, ASHA may count
// energy as its budget, and a cost objective with no price set is refused up front.
#include "../common/JobTestSupport.h"

#include "jobs/SweepJob.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "sweep/SweepSpec.h"
#include "sweep/TrialPruner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

SweepDefinition definition(const QByteArray& json) {
    return sweepDefinitionFromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("test"));
}

QJsonObject objectives(const char* json) {
    return QJsonObject{
        {QStringLiteral("sweep"),
         QJsonObject{{QStringLiteral("objective"), QJsonDocument::fromJson(json).array()}}}};
}

/// A finished trial of `sweep` with its accuracy and what it used.
void storeTrial(StoreWriter& store, qint64 sweep, int trial, RunStatus status,
                std::optional<double> accuracy, double energyJ, double cost) {
    const qint64 run = store
                           .createRun({QStringLiteral("t%1").arg(trial), QStringLiteral("{}"),
                                       QJsonObject{{QStringLiteral("x"), trial}}, sweep, trial})
                           .id;
    if (accuracy) {
        store.appendMetric({run, 10, 1, QStringLiteral("val_accuracy"), *accuracy, 0});
        // The energy series stops at the last log window, short of the run's total.
        store.appendMetric({run, 10, 1, QStringLiteral("energy_j"), energyJ * 0.9, 0});
    }
    RunEnd end;
    end.run = run;
    end.status = status;
    end.energyJ = energyJ;
    end.deviceHours = 0.5;
    end.cost = cost;
    end.energySource = QStringLiteral("estimate: test");
    store.finishRun(end);
}

const char* kSpirals = R"({"trainlab": 1, "name": "spirals-energy",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 900, "noise": 0.03}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 6, "batch_size": 64, "checkpoint_every_epochs": 0},
    "devices": "cpu",
    "sweep": %1})";

} // namespace

class TestCostSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("cost.db"));
    }

    void accuracyAgainstEnergyGivesAParetoFrontAndTotals() {
        qint64 sweep = 0;
        {
            StoreWriter store(db_);
            const QJsonObject spec = objectives(R"([{"metric": "val_accuracy", "goal": "maximize"},
                                                    {"metric": "energy_j", "goal": "minimize"}])");
            sweep = store.createSweep(
                {QStringLiteral("front"),
                 QStringLiteral("random"),
                 spec,
                 {},
                 spec[QStringLiteral("sweep")][QStringLiteral("objective")].toArray()});
            storeTrial(store, sweep, 1, RunStatus::Completed, 0.90, 100, 0.010);
            storeTrial(store, sweep, 2, RunStatus::Completed, 0.80, 50, 0.005);
            storeTrial(store, sweep, 3, RunStatus::Completed, 0.85, 120, 0.012); // dominated by 1
            storeTrial(store, sweep, 4, RunStatus::Completed, 0.70, 40, 0.004);
            storeTrial(store, sweep, 5, RunStatus::Failed, std::nullopt, 10, 0.001);
            store.flush();
        }
        WorkspaceReader workspace(db_);
        const QJsonObject report = workspace.sweepReport(*workspace.sweep(sweep));
        QCOMPARE(report.value(QStringLiteral("pareto")).toArray(), QJsonArray({1, 2, 4}));
        QCOMPARE(report.value(QStringLiteral("best"))[QStringLiteral("trial")].toInt(), 1);
        // What the sweep used: every trial, the failed one included.
        QCOMPARE(report.value(QStringLiteral("energy_j")).toDouble(), 320.0);
        QCOMPARE(report.value(QStringLiteral("device_hours")).toDouble(), 2.5);
        QVERIFY(std::abs(report.value(QStringLiteral("cost")).toDouble() - 0.032) < 1e-12);
        const QJsonObject first = report.value(QStringLiteral("trials")).toArray()[0].toObject();
        QCOMPARE(first.value(QStringLiteral("energy_j")).toDouble(), 100.0);
        QCOMPARE(first.value(QStringLiteral("cost")).toDouble(), 0.010);
        // The objective reads the run's whole energy, not the series' last window.
        QCOMPARE(first[QStringLiteral("metrics")][QStringLiteral("energy_j")].toDouble(), 100.0);
        QCOMPARE(first[QStringLiteral("metrics")][QStringLiteral("device_hours")].toDouble(), 0.5);
    }

    void costAloneRanksTheCheapestTrialBest() {
        qint64 sweep = 0;
        {
            StoreWriter store(db_);
            const QJsonObject spec = objectives(R"([{"metric": "cost", "goal": "minimize"}])");
            sweep = store.createSweep(
                {QStringLiteral("cheap"),
                 QStringLiteral("random"),
                 spec,
                 {},
                 spec[QStringLiteral("sweep")][QStringLiteral("objective")].toArray()});
            storeTrial(store, sweep, 1, RunStatus::Completed, 0.9, 100, 0.02);
            storeTrial(store, sweep, 2, RunStatus::Completed, 0.8, 50, 0.01);
            store.flush();
        }
        WorkspaceReader workspace(db_);
        const QJsonObject report = workspace.sweepReport(*workspace.sweep(sweep));
        QCOMPARE(report.value(QStringLiteral("best"))[QStringLiteral("trial")].toInt(), 2);
        QCOMPARE(report.value(QStringLiteral("pareto")).toArray(), QJsonArray({2}));
    }

    void ashaCountsJoulesAsItsResource() {
        AshaPruner asha(100, 2, /*maximize=*/true); // rungs at 100, 200, 400 J
        QVERIFY(!asha.report(1, 99.5, 0.5));        // below the first rung: nothing to decide
        QVERIFY(!asha.report(1, 150.2, 0.8));       // first at rung 0
        QVERIFY(asha.report(2, 130.7, 0.6));        // rung 0 of two: only the best half goes on
        QVERIFY(!asha.report(3, 101.0, 0.9));       // the best so far at rung 0
        // One report can pass several rungs at once: it is judged at the highest.
        QVERIFY(!asha.report(1, 410.0, 0.85)); // alone at rung 2
        QVERIFY(asha.report(4, 450.0, 0.7));   // rung 2: 0.85 was better
        QCOMPARE(asha.rungResource(2), 400.0);
    }

    void energyIsAValidEarlyStopResource() {
        QStringList errors;
        const SweepSpec spec = readSweepSpec(
            QJsonDocument::fromJson(R"({"objective": {"metric": "val_accuracy", "goal": "maximize"},
                "space": {"x": {"uniform": [0, 1]}},
                "early_stop": {"type": "asha", "resource": "energy_j", "min": 250.5}})")
                .object(),
            errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(spec.earlyStop.resource, QStringLiteral("energy_j"));
        QCOMPARE(spec.earlyStop.min, 250.5);
        readSweepSpec(QJsonDocument::fromJson(R"({"objective": {"metric": "v", "goal": "minimize"},
                "space": {"x": {"uniform": [0, 1]}},
                "early_stop": {"type": "asha", "resource": "joules"}})")
                          .object(),
                      errors);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().startsWith(QStringLiteral("sweep.early_stop.resource:")),
                 qPrintable(errors.first()));
        QVERIFY(errors.first().contains(QStringLiteral("energy_j")));
    }

    void aSweepPrunesByEnergyAndRanksTrialsByIt() {
        // lr 0.01 sets the bar at each energy rung; 1e-5 falls behind it at its first.
        const SweepDefinition def = definition(
            QByteArray(kSpirals).replace("%1", R"({"strategy": "grid", "parallel": 1, "trials": 10,
                      "objective": [{"metric": "val_accuracy", "goal": "maximize"},
                                    {"metric": "energy_j", "goal": "minimize"}],
                      "space": {"training.optimizer.lr": {"choice": [0.01, 0.00001]}},
                      "early_stop": {"type": "asha", "resource": "energy_j", "min": 0.000001,
                                     "reduction": 2}})"));
        test::BackendFixture backend(db_);
        const JobInfo result = backend.run(std::make_unique<SweepJob>(def));
        QCOMPARE(result.status, RunStatus::Completed);
        WorkspaceReader workspace(db_);
        const auto trials = workspace.trials(result.sweepId);
        QCOMPARE(trials.size(), size_t(2));
        QCOMPARE(trials[0].run.status, RunStatus::Completed);
        QCOMPARE(trials[1].run.status, RunStatus::Pruned);
        QVERIFY(trials[1].savedDeviceHours.value_or(0) > 0); // judged by the epochs it skipped
        for (const TrialRecord& t : trials) {
            QVERIFY(t.run.energyJ && *t.run.energyJ > 0);
            QCOMPARE(t.metrics.value(QStringLiteral("energy_j")), *t.run.energyJ);
        }
        const QJsonObject report = workspace.sweepReport(*workspace.sweep(result.sweepId));
        QCOMPARE(report.value(QStringLiteral("pareto")).toArray(), QJsonArray({1}));
        QVERIFY(std::abs(report.value(QStringLiteral("energy_j")).toDouble() -
                         (*trials[0].run.energyJ + *trials[1].run.energyJ)) < 1e-9);
    }

    void aCostObjectiveNeedsAPrice() {
        const QByteArray sweep = R"({"strategy": "random", "parallel": 1, "trials": 1, "seed": 3,
            "objective": [{"metric": "cost", "goal": "minimize"}],
            "space": {"training.optimizer.lr": {"choice": [0.01]}}})";
        const SweepDefinition def = definition(
            QByteArray(kSpirals).replace("%1", sweep).replace("\"epochs\": 6", "\"epochs\": 1"));
        {
            test::BackendFixture backend(db_);
            const JobInfo refused = backend.run(std::make_unique<SweepJob>(def));
            QCOMPARE(refused.status, RunStatus::Failed);
            QCOMPARE(refused.failure, FailureKind::BadInput);
            QVERIFY2(refused.error.startsWith(QStringLiteral("sweep.objective[0]: cost needs a "
                                                             "price")),
                     qPrintable(refused.error));
            QVERIFY(refused.error.contains(QStringLiteral("settings set price_per_kwh")));
        }
        {
            StoreWriter store(db_);
            store.setSetting(QStringLiteral("price_per_device_hour"), QStringLiteral("3.6"));
        }
        test::BackendFixture backend(db_);
        const JobInfo priced = backend.run(std::make_unique<SweepJob>(def));
        QCOMPARE(priced.status, RunStatus::Completed);
        WorkspaceReader workspace(db_);
        const auto trials = workspace.trials(priced.sweepId);
        QCOMPARE(trials.size(), size_t(1));
        // Only a device-hour price: the trial cost its device time at 3.6 an hour.
        QVERIFY(std::abs(trials[0].metrics.value(QStringLiteral("cost")) -
                         *trials[0].run.deviceHours * 3.6) < 1e-12);
        const QJsonObject report = workspace.sweepReport(*workspace.sweep(priced.sweepId));
        QCOMPARE(report.value(QStringLiteral("best"))[QStringLiteral("trial")].toInt(), 1);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCostSweep)
#include "tst_costsweep.moc"
