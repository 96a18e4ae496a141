// The sweep block: defaults, objectives, early stopping, external commands and every problem
// reported with its path.
#include "sweep/SweepSpec.h"

#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

SweepSpec read(const char* json, QStringList& errors) {
    return readSweepSpec(QJsonDocument::fromJson(json).object(), errors);
}

} // namespace

class TestSweepSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void designExampleReads() {
        QStringList errors;
        const SweepSpec spec = read(R"({"strategy": "bayesian", "trials": 40, "parallel": 2,
            "objective": [{"metric": "val_accuracy", "goal": "maximize"}],
            "space": {"training.optimizer.lr": {"log_uniform": [1e-4, 1e-1]},
                      "model.layers[0].out": {"int": [16, 128]},
                      "training.batch_size": {"choice": [64, 128, 256]}},
            "early_stop": {"type": "asha", "resource": "epoch", "min": 1, "reduction": 3}})",
                                    errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(spec.strategy, QStringLiteral("bayesian"));
        QCOMPARE(spec.trials, 40);
        QCOMPARE(spec.parallel, 2);
        QCOMPARE(spec.objectives.size(), 1);
        QVERIFY(spec.objectives.first().maximize);
        QCOMPARE(spec.space.params().size(), size_t(3));
        QCOMPARE(spec.earlyStop.type, QStringLiteral("asha"));
        QVERIFY(!spec.external());
    }

    void externalCommandSweep() {
        QStringList errors;
        const SweepSpec spec = read(R"({"strategy": "random", "trials": 5,
            "objective": {"metric": "value", "goal": "minimize"},
            "space": {"x0": {"uniform": [-2, 2]}},
            "command": ["python3", "train.py", "--x0={x0}"], "timeout_s": 600})",
                                    errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QVERIFY(spec.external());
        QCOMPARE(spec.command.size(), 3);
        QCOMPARE(spec.timeoutS, 600.0);
        QVERIFY(!spec.objectives.first().maximize);
    }

    void everyProblemHasItsPath() {
        QStringList errors;
        read(R"({"strategy": "annealing", "trials": 0, "objective": [{"metric": "val_loss"}],
                 "space": {"lr": {"log_uniform": [0, 1]}}, "early_stop": {"type": "hyperband"},
                 "command": "train.sh", "colour": 1})",
             errors);
        const QStringList expected = {
            QStringLiteral(
                "sweep.strategy: must be one of grid, random, bayesian, tpe; got \"annealing\""),
            QStringLiteral("sweep.trials: must be >= 1 and <= 100000, got 0"),
            QStringLiteral("sweep.objective[0].goal: missing (maximize or minimize)"),
            QStringLiteral("sweep.space.lr.log_uniform: a log range must be above 0, got [0, 1]"),
            QStringLiteral(
                "sweep.early_stop.type: must be one of none, asha, median; got \"hyperband\""),
            QStringLiteral(
                "sweep.command: must be a non-empty list of arguments, got \"train.sh\""),
            QStringLiteral("sweep.colour: unknown key"),
        };
        for (const QString& e : expected)
            QVERIFY2(errors.contains(e), qPrintable(e + QStringLiteral("\n--- got:\n") +
                                                    errors.join(QLatin1Char('\n'))));
    }

    void trialsPerGpuIsANumberOrAuto() {
        const auto perGpu = [](const char* value, QStringList& errors) {
            const QByteArray json =
                QByteArray(R"({"objective": {"metric": "val_loss", "goal": )"
                           R"("minimize"}, "space": {"x": {"uniform": [0, 1]}}, )"
                           R"("trials_per_gpu": )") +
                value + "}";
            return readSweepSpec(QJsonDocument::fromJson(json).object(), errors).trialsPerGpu;
        };
        QStringList errors;
        QCOMPARE(perGpu("4", errors), 4);
        QCOMPARE(perGpu(R"("auto")", errors), SweepSpec::kTrialsPerGpuByMemory);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        perGpu(R"("sometimes")", errors);
        perGpu("0", errors);
        QCOMPARE(
            errors,
            (QStringList{QStringLiteral("sweep.trials_per_gpu: must be a number from 1 to 64 "
                                        "or \"auto\", got \"sometimes\""),
                         QStringLiteral("sweep.trials_per_gpu: must be >= 1 and <= 64, got 0")}));
    }

    void hugeGridIsRefusedUpFront() {
        QStringList errors;
        read(
            R"({"strategy": "grid", "grid_steps": 20, "objective": {"metric": "value", "goal": "minimize"},
                 "space": {"a": {"uniform": [0, 1]}, "b": {"uniform": [0, 1]}, "c": {"uniform": [0, 1]},
                           "d": {"uniform": [0, 1]}}})",
            errors);
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.first().startsWith(
            QStringLiteral("sweep.grid_steps: the grid has 160000 points")));
    }
};

QTEST_GUILESS_MAIN(TestSweepSpec)
#include "tst_sweepspec.moc"
