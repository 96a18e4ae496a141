// A real run end to end through the session layer: quickstart accuracy, cancel mid-run,
// failures stored with their message.
#include "../common/TestSupport.h"

#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/Database.h"
#include "store/RunQueries.h"
#include "store/StoreWriter.h"

#include <QtTest>

using namespace trainlab;

namespace {

class RecordingObserver : public RunObserver {
public:
    void runCreated(qint64 runId, const QString&) override { createdRun = runId; }
    void metricLogged(const MetricPoint&) override {
        ++metrics;
        if (cancelAfterMetrics > 0 && metrics >= cancelAfterMetrics && control)
            control->cancel.store(true);
    }
    void message(qint64, const QString& line) override { lines << line; }

    qint64 createdRun = 0;
    int metrics = 0;
    int cancelAfterMetrics = 0;
    RunControl* control = nullptr;
    QStringList lines;
};

} // namespace

class TestRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("run.db"));
    }

    void quickstartReachesNinetyPercent() {
        RunRequest request{loadSpecFile(test::quickstartSpec()), {}};
        RunControl control;
        RecordingObserver observer;
        RunResult result;
        {
            StoreWriter writer(path_);
            result = executeRun(request, writer, control, observer);
        }
        QVERIFY2(result.status == RunStatus::Completed, qPrintable(result.error));
        QCOMPARE(observer.createdRun, result.runId);
        Database db(path_, Database::Mode::ReadOnly);
        const auto run = runs::find(db, result.runId);
        QCOMPARE(run->status, RunStatus::Completed);
        QVERIFY(run->deviceHours && *run->deviceHours > 0);
        const auto summary = runs::metricSummary(db, result.runId);
        const double accuracy = summary.final.value(QStringLiteral("val_accuracy"));
        QVERIFY2(accuracy >= 0.90, qPrintable(QString::number(accuracy)));
        QVERIFY(summary.final.contains(QStringLiteral("test_accuracy")));
        // Per-epoch validation, train metrics every log_every_steps.
        QCOMPARE(runs::metricSeries(db, result.runId, QStringLiteral("val_loss")).size(),
                 request.spec.training.epochs);
        QVERIFY(runs::metricSeries(db, result.runId, QStringLiteral("train_loss")).size() >
                request.spec.training.epochs);
        QVERIFY(runs::metricNames(db, result.runId).contains(QStringLiteral("lr")));
    }

    void sameSeedGivesSameLosses() {
        RunRequest request{
            loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=2")}), {}};
        QVector<double> losses[2];
        for (int i = 0; i < 2; ++i) {
            RunControl control;
            RecordingObserver observer;
            StoreWriter writer(path_);
            const RunResult result = executeRun(request, writer, control, observer);
            writer.flush();
            const auto series = writer.call([&](Database& db) {
                return runs::metricSeries(db, result.runId, QStringLiteral("train_loss"));
            });
            for (const auto& p : series)
                losses[i].append(p.value);
        }
        QVERIFY(!losses[0].isEmpty());
        QCOMPARE(losses[0], losses[1]);
    }

    void cancelStopsAfterTheCurrentStepAndKeepsMetrics() {
        RunRequest request{
            loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=500")}), {}};
        RunControl control;
        RecordingObserver observer;
        observer.control = &control;
        observer.cancelAfterMetrics = 40;
        RunResult result;
        {
            StoreWriter writer(path_);
            result = executeRun(request, writer, control, observer);
        }
        QCOMPARE(result.status, RunStatus::Cancelled);
        Database db(path_, Database::Mode::ReadOnly);
        QCOMPARE(runs::find(db, result.runId)->status, RunStatus::Cancelled);
        int stored = 0;
        for (const QString& name : runs::metricNames(db, result.runId))
            stored += int(runs::metricSeries(db, result.runId, name).size());
        // Everything logged before the cancel is kept.
        QCOMPARE(stored, observer.metrics);
        QVERIFY(stored >= 40);
        // It stopped long before 500 epochs.
        QVERIFY(runs::metricSeries(db, result.runId, QStringLiteral("val_loss")).size() < 20);
    }

    void failuresAreStoredWithTheirMessage() {
        // A model whose last layer cannot produce the 3 class scores.
        RunRequest request{parseSpec(R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                          "model": {"layers": [{"type": "linear", "out": 7}]},
                          "training": {"epochs": 1}, "devices": "cpu"})",
                                     QStringLiteral("inline")),
                           {}};
        RunControl control;
        RecordingObserver observer;
        RunResult result;
        {
            StoreWriter writer(path_);
            result = executeRun(request, writer, control, observer);
        }
        QCOMPARE(result.status, RunStatus::Failed);
        QVERIFY2(result.error.contains(QStringLiteral("model: the last layer outputs [7]")),
                 qPrintable(result.error));
        Database db(path_, Database::Mode::ReadOnly);
        QCOMPARE(runs::find(db, result.runId)->error, result.error);
    }

    void workspacesInOneFolderKeepTheirOwnCheckpoints() {
        const RunRequest request{
            loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=1")}), {}};
        const QString a = dir_->filePath(QStringLiteral("a.db"));
        const QString b = dir_->filePath(QStringLiteral("b.db"));
        for (const QString& path : {a, b}) {
            RunControl control;
            RecordingObserver observer;
            StoreWriter writer(path);
            QCOMPARE(executeRun(request, writer, control, observer).runId, qint64(1));
        }
        QString aDir;
        {
            Database db(a, Database::Mode::ReadOnly);
            aDir = runs::find(db, 1)->checkpointDir;
        }
        QCOMPARE(aDir, dir_->filePath(QStringLiteral("a.trainlab/checkpoints/run-1")));
        QVERIFY(QFileInfo::exists(aDir + QStringLiteral("/last.pt")));
        QVERIFY(QFileInfo::exists(
            dir_->filePath(QStringLiteral("b.trainlab/checkpoints/run-1/last.pt"))));

        // b's run 1 pointed at a's checkpoint (same spec, same run number): resume refuses it.
        {
            Database db(b, Database::Mode::ReadWrite);
            Statement point(db, "UPDATE checkpoints SET path = ? WHERE run = 1 AND is_best = 0");
            point.bind(1, aDir + QStringLiteral("/last.pt")).run();
            Statement cancel(db, "UPDATE runs SET status = 'cancelled' WHERE id = 1");
            cancel.run();
        }
        RunControl control;
        RecordingObserver observer;
        StoreWriter writer(b);
        const RunResult resumed = executeRun(resumeRequest(b, 1), writer, control, observer);
        QCOMPARE(resumed.status, RunStatus::Failed);
        QVERIFY2(resumed.error.contains(QStringLiteral("belongs to run 1 of workspace")) &&
                     resumed.error.contains(QStringLiteral("not to run 1 of this workspace")),
                 qPrintable(resumed.error));
    }

    void missingDeviceFailsClearly() {
        RunRequest request{
            loadSpecFile(test::quickstartSpec(), {QStringLiteral("devices=[\"cuda:7\"]")}), {}};
        RunControl control;
        RecordingObserver observer;
        StoreWriter writer(path_);
        const RunResult result = executeRun(request, writer, control, observer);
        QCOMPARE(result.status, RunStatus::Failed);
        QVERIFY2(result.error.startsWith(QStringLiteral("devices: cuda:7 is not available")),
                 qPrintable(result.error));
    }

    void divergenceFailsWithStepAndHint() {
        RunRequest request{loadSpecFile(test::quickstartSpec(),
                                        {QStringLiteral("training.optimizer.lr=1e30"),
                                         QStringLiteral("training.optimizer.type=sgd"),
                                         QStringLiteral("training.schedule.warmup_steps=0")}),
                           {}};
        RunControl control;
        RecordingObserver observer;
        StoreWriter writer(path_);
        const RunResult result = executeRun(request, writer, control, observer);
        QCOMPARE(result.status, RunStatus::Failed);
        QVERIFY2(result.error.contains(QStringLiteral("training diverged")),
                 qPrintable(result.error));
        QVERIFY(result.error.contains(QStringLiteral("at step")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestRun)
#include "tst_run.moc"
