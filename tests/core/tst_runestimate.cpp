// The pre-flight estimate: a probe's figures add up to the run's (read + train + evaluate, the
// steps an epoch makes, energy and cost from the probe's rate and the prices set), a sweep
// scales them by its trials (one after another on the CPU, parallel on GPUs), and
// trainlab-cli estimate stores the result for a run and for a sweep.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "jobs/RunEstimate.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"

#include <QtTest>
#include <cmath>

using namespace trainlab;

namespace {

const char* kSpirals = R"({"trainlab": 1, "name": "spirals-estimate",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 1000, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 3, "batch_size": 50, "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu"})";

const char* kSweep = R"({"trainlab": 1, "name": "spirals-estimate-sweep",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 1000, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 2, "batch_size": 50, "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu",
    "sweep": {"strategy": "random", "trials": 5, "parallel": 2, "seed": 1,
              "objective": [{"metric": "val_accuracy", "goal": "maximize"}],
              "early_stop": {"type": "asha", "resource": "epoch", "min": 1, "reduction": 2},
              "space": {"training.optimizer.lr": {"log_uniform": [0.001, 0.1]}}}})";

} // namespace

class TestRunEstimate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theFiguresAddUpFromTheProbe() {
        const ExperimentSpec spec = parseSpec(kSpirals, QStringLiteral("spirals.json"));
        EstimateOptions options;
        options.probeSeconds = 0.3;
        options.cpuThreads = 2;
        CostSettings costs;
        RunEstimate e = estimateRun(spec, options, costs);
        QCOMPARE(e.device, QStringLiteral("cpu"));
        QVERIFY(e.trainSamplesPerSecond > 0 && e.evalSamplesPerSecond > 0);
        QCOMPARE(e.epochs, 3.0);
        QCOMPARE(e.steps % 3, 0);                        // a whole number of epochs' steps
        QVERIFY(e.steps >= 3 * 10 && e.steps <= 3 * 20); // 500-1000 training samples, batch 50
        QVERIFY(e.checkpointSeconds > 0); // 3 epochs: the final checkpoint, best.pt up to 3x
        QVERIFY(std::abs(e.seconds - (e.readSeconds + e.trainSeconds + e.evalSeconds +
                                      e.checkpointSeconds)) < 1e-9);
        QVERIFY(e.cpuSeconds > 0);
        QVERIFY(e.energyJ > 0);
        QVERIFY(!e.energySource.isEmpty());
        QVERIFY(std::abs(e.deviceHours - e.seconds / 3600) < 1e-12);
        QVERIFY(!e.cost); // no price set
        QCOMPARE(e.trials, 1);
        QCOMPARE(e.sweepSeconds, e.seconds);

        // Prices turn energy and device time into money: 0.30 a kWh and 2.00 a device-hour.
        costs.pricePerKwh = 0.30;
        costs.pricePerDeviceHour = 2.0;
        e = estimateRun(spec, options, costs);
        QVERIFY(e.cost);
        const double expected = e.energyJ / 3.6e6 * 0.30 + e.deviceHours * 2.0;
        QVERIFY2(std::abs(*e.cost - expected) < 1e-9 * std::max(1.0, expected),
                 qPrintable(QStringLiteral("%1 vs %2").arg(*e.cost).arg(expected)));

        // max_steps caps the steps; max_wall_time_s the time.
        ExperimentSpec capped = spec;
        capped.training.maxSteps = 7;
        capped.training.maxWallTimeS = 0.001;
        e = estimateRun(capped, options, CostSettings{});
        QCOMPARE(e.steps, qint64(7));
        QCOMPARE(e.seconds, 0.001);
    }

    void aSweepScalesByItsTrials() {
        RunEstimate e;
        e.device = QStringLiteral("cpu");
        e.seconds = 10;
        e.energyJ = 100;
        e.deviceHours = 10.0 / 3600;
        e.cost = 0.5;
        scaleToSweep(e, 5, 2, true);
        // On the CPU parallel trials share the cores: five runs' time.
        QCOMPARE(e.sweepSeconds, 50.0);
        QCOMPARE(e.sweepEnergyJ, 500.0);
        QCOMPARE(*e.sweepCost, 2.5);
        QVERIFY(e.summaryLine().startsWith(QStringLiteral("at most 50 s")));
        // On GPUs two at a time: three rounds.
        e.device = QStringLiteral("cuda:0");
        scaleToSweep(e, 5, 2, false);
        QCOMPARE(e.sweepSeconds, 30.0);
        QCOMPARE(e.sweepDeviceHours, 5 * 10.0 / 3600);
    }

    void durationsReadAsAPersonWritesThem() {
        QCOMPARE(durationText(4.24), QStringLiteral("4.2 s"));
        QCOMPARE(durationText(45), QStringLiteral("45 s"));
        QCOMPARE(durationText(750), QStringLiteral("12 min 30 s"));
        QCOMPARE(durationText(7500), QStringLiteral("2 h 05 min"));
    }

    void theCliEstimatesRunsAndSweepsAndStoresThem() {
        QTemporaryDir dir;
        const QString runPath = dir.filePath(QStringLiteral("run.json"));
        const QString sweepPath = dir.filePath(QStringLiteral("sweep.json"));
        test::writeFile(runPath, kSpirals);
        test::writeFile(sweepPath, kSweep);
        const QString db = dir.filePath(QStringLiteral("estimate.db"));
        test::CliResult result =
            test::runCli({QStringLiteral("estimate"), runPath, QStringLiteral("--seconds"),
                          QStringLiteral("0.2"), QStringLiteral("--db"), db});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.contains("a run: ") && result.out.contains("stored as pre-flight"),
                 result.out.constData());
        result = test::runCli({QStringLiteral("estimate"), sweepPath, QStringLiteral("--seconds"),
                               QStringLiteral("0.2"), QStringLiteral("--db"), db,
                               QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject doc = test::parseJson(result.out).object();
        QCOMPARE(doc.value(QStringLiteral("trials")).toInt(), 5);
        QCOMPARE(doc.value(QStringLiteral("parallel")).toInt(), 2);
        QVERIFY(doc.value(QStringLiteral("pruning")).toBool());
        QCOMPARE(doc.value(QStringLiteral("sweep_seconds")).toDouble(),
                 5 * doc.value(QStringLiteral("seconds")).toDouble());
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("estimate"));
        QCOMPARE(int(stored.size()), 2);
        QCOMPARE(stored.back().id, doc.value(QStringLiteral("id")).toInteger());
        // The base spec is stored, without the sweep block.
        QCOMPARE(stored.back().spec.value(QStringLiteral("name")).toString(),
                 QStringLiteral("spirals-estimate-sweep"));
        QVERIFY(!stored.back().spec.contains(QStringLiteral("sweep")));

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("estimate"), runPath, QStringLiteral("--seconds"),
                          QStringLiteral("0"), QStringLiteral("--db"), db}),
            2, "--seconds");
        QCOMPARE(int(WorkspaceReader(db).preflightResults().size()), 2);
    }
};

QTEST_GUILESS_MAIN(TestRunEstimate)
#include "tst_runestimate.moc"
