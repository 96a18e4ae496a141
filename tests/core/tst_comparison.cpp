// What the compare view reads (store/RunComparison, WorkspaceReader's compare queries): the
// config fields that differ, final and best values by the metric's direction, whole curves of
// several runs in one query, system series summed over GPUs, energy at each step, CSV.
#include "base/Errors.h"
#include "store/RunComparison.h"
#include "store/WorkspaceReader.h"
#include "store/sql/Database.h"
#include "store/sql/RunQueries.h"
#include "store/sql/SweepQueries.h"
#include "util/Json.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace trainlab;

namespace {

RunRecord runWith(const QString& spec, const QJsonObject& environment = {}) {
    RunRecord run;
    run.spec = spec;
    run.environment = environment;
    return run;
}

QStringList fieldsOf(const QVector<ConfigDifference>& differences) {
    QStringList fields;
    for (const ConfigDifference& d : differences)
        fields << d.field;
    return fields;
}

} // namespace

class TestComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("compare.db"));
    }

    void diffListsOnlyTheFieldsThatDiffer() {
        const QString base = QStringLiteral(
            R"({"name": "x", "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"}]},
                "training": {"epochs": 2, "optimizer": {"type": "adam", "lr": 0.001},
                             "augment": [1, 2]}})");
        const QString other = QStringLiteral(
            R"({"name": "x", "model": {"layers": [{"type": "linear", "out": 16}, {"type": "relu"}]},
                "training": {"epochs": 2, "optimizer": {"type": "adam", "lr": 0.001},
                             "augment": [1, 3]}})");
        const QString third = QStringLiteral(
            R"({"name": "x", "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"}]},
                "training": {"epochs": 2, "optimizer": {"type": "adam", "lr": 0.001,
                             "weight_decay": 0.01}, "augment": [1, 2]}})");
        const QJsonObject env{{QStringLiteral("libtorch"), QStringLiteral("1.13.1")},
                              {QStringLiteral("world_size"), 1}};
        QJsonObject twoRanks = env;
        twoRanks.insert(QStringLiteral("world_size"), 2);
        const auto differences =
            configDifferences({runWith(base, env), runWith(other, twoRanks), runWith(third, env)});
        QCOMPARE(
            fieldsOf(differences),
            (QStringList{QStringLiteral("model.layers[0].out"), QStringLiteral("training.augment"),
                         QStringLiteral("training.optimizer.weight_decay"),
                         QStringLiteral("environment.world_size")}));
        QCOMPARE(differences[0].values,
                 (QStringList{QStringLiteral("8"), QStringLiteral("16"), QStringLiteral("8")}));
        QCOMPARE(differences[1].values,
                 (QStringList{QStringLiteral("[1,2]"), QStringLiteral("[1,3]"),
                              QStringLiteral("[1,2]")}));
        // A run without the field shows the dash.
        QCOMPARE(differences[2].values,
                 (QStringList{RunComparison::kMissing, RunComparison::kMissing,
                              QStringLiteral("0.01")}));
        QCOMPARE(differences[3].values,
                 (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("1")}));
        // Identical runs, or a single one, differ in nothing.
        QVERIFY(configDifferences({runWith(base, env), runWith(base, env)}).isEmpty());
        QVERIFY(configDifferences({runWith(base, env)}).isEmpty());
        // A run from before environments were kept lacks every environment field.
        QCOMPARE(fieldsOf(configDifferences({runWith(base, env), runWith(base)})),
                 (QStringList{QStringLiteral("environment.libtorch"),
                              QStringLiteral("environment.world_size")}));
    }

    void bestFollowsTheMetricsDirection() {
        QVector<QMap<QString, StoredSummary>> summaries(2);
        summaries[0].insert(QStringLiteral("val_loss"), {0.5, 0.4, 2.0});
        summaries[0].insert(QStringLiteral("val_accuracy"), {0.8, 0.1, 0.9});
        summaries[0].insert(QStringLiteral("lr"), {0.01, 0.001, 0.1});
        summaries[0].insert(QStringLiteral("energy_j"), {50, 1, 50});
        summaries[1].insert(QStringLiteral("val_loss"), {0.3, 0.3, 1.0});
        summaries[1].insert(QStringLiteral("score"), {7, 2, 9});
        // A sweep that minimizes energy and maximizes its own `score` says which way is better.
        const auto metrics = compareMetrics(
            summaries, {{QStringLiteral("energy_j"), false}, {QStringLiteral("score"), true}});
        QCOMPARE(metrics.size(), 5);
        const auto byName = [&](const QString& name) {
            return *std::find_if(metrics.begin(), metrics.end(),
                                 [&](const ComparedMetric& m) { return m.name == name; });
        };
        const ComparedMetric loss = byName(QStringLiteral("val_loss"));
        QCOMPARE(loss.higherIsBetter, std::optional<bool>(false));
        QCOMPARE(*loss.figures[0].final, 0.5);
        QCOMPARE(*loss.figures[0].best, 0.4);
        QCOMPARE(*loss.figures[1].best, 0.3);
        QCOMPARE(*byName(QStringLiteral("val_accuracy")).figures[0].best, 0.9);
        QVERIFY(!byName(QStringLiteral("val_accuracy")).figures[1].final); // run 2 lacks it
        QVERIFY(!byName(QStringLiteral("lr")).higherIsBetter);
        QVERIFY(!byName(QStringLiteral("lr")).figures[0].best);
        QCOMPARE(*byName(QStringLiteral("energy_j")).figures[0].best, 1.0);
        QCOMPARE(*byName(QStringLiteral("score")).figures[1].best, 9.0);
    }

    void energyIsInterpolatedByStep() {
        RunCurve energy;
        energy.step = {10, 20, 40};
        energy.value = {100, 300, 700};
        const QVector<double> joules = energyAtSteps(energy, {0, 5, 10, 15, 30, 40, 99});
        QCOMPARE(joules, (QVector<double>{0, 50, 100, 200, 500, 700, 700}));
        QCOMPARE(energyAtSteps(RunCurve{}, {1, 2}), (QVector<double>{0, 0}));
    }

    void readsSeveralRunsInOneSnapshot() {
        qint64 a = 0;
        qint64 b = 0;
        qint64 sweep = 0;
        {
            Database db(path_, Database::Mode::ReadWrite);
            NewSweep newSweep;
            newSweep.name = QStringLiteral("s");
            newSweep.strategy = QStringLiteral("grid");
            newSweep.objectives =
                QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("score")},
                                       {QStringLiteral("goal"), QStringLiteral("maximize")}}};
            sweep = sweeps::create(db, newSweep);
            a = runs::create(
                    db, NewRun{QStringLiteral("a"), QStringLiteral(R"({"lr": 1})"), {}, sweep, 1})
                    .id;
            b = runs::create(db,
                             NewRun{QStringLiteral("b"), QStringLiteral(R"({"lr": 2})"), {}, 0, 0})
                    .id;
            QVector<MetricPoint> points;
            for (int step = 1; step <= 5; ++step) {
                points.append(
                    {a, step, step / 5.0, QStringLiteral("val_loss"), 1.0 / step, 1000.0 + step});
                points.append(
                    {a, step, step / 5.0, QStringLiteral("score"), double(step), 1000.0 + step});
                points.append(
                    {a, step, step / 5.0, QStringLiteral("energy_j"), 10.0 * step, 1000.0 + step});
                points.append(
                    {b, step, step / 5.0, QStringLiteral("val_loss"), 2.0 / step, 2000.0 + step});
            }
            runs::appendMetrics(db, points);
            // Two GPUs read at the same moment, and the process's CPU row.
            QVector<SystemSample> samples;
            for (int t = 0; t < 3; ++t) {
                SystemSample cpu;
                cpu.run = a;
                cpu.device = QStringLiteral("cpu");
                cpu.time = 1000.0 + t;
                cpu.cpuPercent = 100.0 + t;
                samples.append(cpu);
                for (int gpu = 0; gpu < 2; ++gpu) {
                    SystemSample g;
                    g.run = a;
                    g.device = QStringLiteral("cuda:%1").arg(gpu);
                    g.time = 1000.0 + t;
                    g.gpuMemUsedBytes = 1e9 * (gpu + 1);
                    g.powerW = 50.0 + gpu;
                    samples.append(g);
                }
            }
            runs::appendSystemSamples(db, samples);
        }
        WorkspaceReader reader(path_);
        const RunComparison comparison = reader.comparison({b, a});
        QCOMPARE(comparison.runs.size(), size_t(2));
        QCOMPARE(comparison.runs[0].id, b); // in the order asked
        QCOMPARE(fieldsOf(comparison.differences), QStringList{QStringLiteral("lr")});
        QVERIFY(!comparison.energyRecorded); // b has no energy series
        QCOMPARE(comparison.systemSeries, systemseries::kAll);
        QStringList names;
        for (const ComparedMetric& m : comparison.metrics)
            names << m.name;
        QCOMPARE(names, (QStringList{QStringLiteral("energy_j"), QStringLiteral("score"),
                                     QStringLiteral("val_loss")}));
        const ComparedMetric& score = comparison.metrics[1];
        QCOMPARE(score.higherIsBetter, std::optional<bool>(true)); // from the sweep's objective
        QVERIFY(!score.figures[0].final);
        QCOMPARE(*score.figures[1].best, 5.0);
        const ComparedMetric& loss = comparison.metrics[2];
        QCOMPARE(*loss.figures[0].final, 2.0 / 5);
        QCOMPARE(*loss.figures[1].best, 1.0 / 5);
        // Equal to what `show` reports from the same summaries.
        const auto stored = reader.metricSummary(a);
        QCOMPARE(*loss.figures[1].final, stored.final.value(QStringLiteral("val_loss")));
        QCOMPARE(*loss.figures[1].best, stored.best.value(QStringLiteral("val_loss")));

        const QVector<RunCurve> curves =
            reader.curves({a, b}, {QStringLiteral("val_loss"), QStringLiteral("energy_j")});
        QCOMPARE(curves.size(), 3);
        QCOMPARE(curves[0].run, a);
        QCOMPARE(curves[0].name, QStringLiteral("energy_j"));
        QCOMPARE(curves[1].name, QStringLiteral("val_loss"));
        QCOMPARE(curves[1].step, (QVector<double>{1, 2, 3, 4, 5}));
        QCOMPARE(curves[1].value[1], 0.5);
        QCOMPARE(curves[2].run, b);
        QCOMPARE(curves[2].wallTime.first(), 2001.0);

        const QVector<RunCurve> system = reader.systemCurves({a, b});
        QCOMPARE(system.size(), 3); // b has none
        QCOMPARE(system[0].name, systemseries::kGpuMemoryMb);
        QCOMPARE(system[0].value, (QVector<double>{3000, 3000, 3000})); // 1 GB + 2 GB
        QCOMPARE(system[1].value, (QVector<double>{101, 101, 101}));    // 50 W + 51 W
        QCOMPARE(system[2].value, (QVector<double>{100, 101, 102}));
        QVERIFY(system[2].step.isEmpty());

        // A run that does not exist is named.
        try {
            reader.comparison({a, 999});
            QFAIL("no error for a missing run");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(QStringLiteral("no run 999")), qPrintable(e.message()));
        }
    }

    void writesCurvesAsCsv() {
        RunCurve metric{7, QStringLiteral("val,loss"), {1, 2}, {0.5, 1}, {10, 11}, {0.25, 0.125}};
        RunCurve system{7, systemseries::kCpuPercent, {}, {}, {10.5}, {99}};
        QByteArray text;
        QBuffer buffer(&text);
        buffer.open(QIODevice::WriteOnly);
        QCOMPARE(writeCurvesCsv(buffer, {metric, system}), qint64(3));
        QCOMPARE(text, QByteArray("run,metric,step,epoch,wall_time,value\n"
                                  "7,\"val,loss\",1,0.5,10.000,0.25\n"
                                  "7,\"val,loss\",2,1,11.000,0.125\n"
                                  "7,cpu_percent,,,10.500,99\n"));
    }

    void exportsNeverHitTheWorkspace() {
        { Database db(path_, Database::Mode::ReadWrite); }
        QVERIFY(isWorkspaceFile(path_, path_));
        QVERIFY(isWorkspaceFile(path_ + QStringLiteral("-wal"), path_));
        QVERIFY(isWorkspaceFile(path_ + QStringLiteral("-shm"), path_));
        QVERIFY(isWorkspaceFile(dir_->path() + QStringLiteral("/./compare.db"), path_));
        QVERIFY(!isWorkspaceFile(path_ + QStringLiteral("-series.csv"), path_));
        QVERIFY(!isWorkspaceFile(dir_->filePath(QStringLiteral("plot.png")), path_));
        const QString link = dir_->filePath(QStringLiteral("link.db"));
        QVERIFY(QFile::link(path_, link));
        QVERIFY(isWorkspaceFile(link, path_));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
