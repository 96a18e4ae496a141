// The training engine's contracts: accumulation equivalence, resume equivalence, early
// stopping, plateau schedule, class weights, regression, checkpoints.
#include "../common/DirectJobContext.h"
#include "../common/RawSql.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/GradientSync.h"
#include "train/Trainer.h"
#include "train/WindowStats.h"

#include <QtTest>
#include <thread>

using namespace trainlab;

namespace {

// A small, fast blobs problem with dropout, so RNG state matters for resume.
ExperimentSpec smallSpec(const QStringList& overrides = {}) {
    QStringList all = {QStringLiteral("training.epochs=4"),
                       QStringLiteral("training.batch_size=64")};
    all += overrides;
    return parseSpec(R"({"trainlab": 1, "name": "small",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 1200, "classes": 4,
                    "features": 8, "noise": 1.0}, "validation_split": 0.2, "test_split": 0.1},
        "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"}, {"type": "dropout", "p": 0.2},
                             {"type": "linear"}]},
        "training": {"optimizer": {"type": "adam", "lr": 0.01}, "schedule": {"type": "cosine"},
                     "log_every_steps": 5, "seed": 3},
        "devices": "cpu"})",
                     QStringLiteral("small"), all);
}

struct Finished {
    JobInfo result;
    QVector<double> valLoss;
    QStringList lines;
};

// Runs on this thread, so a cancel on a logged line takes effect at that exact point.
Finished runOnce(const QString& db, const RunRequest& request, const QString& cancelOn = {}) {
    RunJob job(request);
    Finished finished;
    {
        StoreWriter writer(db);
        test::DirectJobContext context(writer);
        context.onMessage = [&](const QString& line) {
            if (!cancelOn.isEmpty() && line.startsWith(cancelOn))
                job.cancel();
        };
        finished.result = context.run(job);
        finished.lines = context.lines;
    }
    WorkspaceReader reader(db);
    for (const MetricPoint& p :
         reader.metricSeries(finished.result.runId, QStringLiteral("val_loss")))
        finished.valLoss.append(p.value);
    return finished;
}

RunRequest resumeOf(const QString& db, qint64 run) {
    WorkspaceReader reader(db);
    return resumeRequest(reader, run);
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("t.db"));
    }

    void accumulationMatchesTheLargerBatch() {
        // Without dropout, 64 x 1 and 32 x 2 take the same steps on the same samples.
        // drop_last keeps the same 832 of the 840 samples in both, in the same order.
        const QStringList noDropout = {QStringLiteral("model.layers[2].p=0"),
                                       QStringLiteral("training.epochs=2"),
                                       QStringLiteral("dataset.loader.drop_last=true")};
        const Finished big = runOnce(
            db_,
            {smallSpec(noDropout + QStringList{QStringLiteral("training.batch_size=64")}), {}});
        const Finished accumulated = runOnce(
            db_,
            {smallSpec(noDropout + QStringList{QStringLiteral("training.batch_size=32"),
                                               QStringLiteral("training.grad_accumulation=2")}),
             {}});
        QCOMPARE(big.result.status, RunStatus::Completed);
        QCOMPARE(accumulated.valLoss.size(), big.valLoss.size());
        for (qsizetype i = 0; i < big.valLoss.size(); ++i)
            QVERIFY2(
                std::abs(big.valLoss[i] - accumulated.valLoss[i]) < 1e-5,
                qPrintable(
                    QStringLiteral("%1 vs %2").arg(big.valLoss[i]).arg(accumulated.valLoss[i])));
    }

    void resumeEqualsAnUninterruptedRun() {
        const RunRequest request{smallSpec(), {}, 0};
        const Finished straight = runOnce(db_, request);
        QCOMPARE(straight.valLoss.size(), 4);

        const Finished firstHalf = runOnce(db_, request, QStringLiteral("epoch 2/4"));
        QCOMPARE(firstHalf.result.status, RunStatus::Cancelled);
        QCOMPARE(firstHalf.valLoss.size(), 2);
        const RunRequest resume = resumeOf(db_, firstHalf.result.runId);
        const Finished secondHalf = runOnce(db_, resume);
        QCOMPARE(secondHalf.result.status, RunStatus::Completed);
        QCOMPARE(secondHalf.result.runId, firstHalf.result.runId);
        QVERIFY(secondHalf.lines.filter(QStringLiteral("resumed at step")).size() == 1);
        // The resumed run's series is the uninterrupted one, bit for bit.
        QCOMPARE(secondHalf.valLoss, straight.valLoss);
        QVERIFY(*WorkspaceReader(db_).run(firstHalf.result.runId)->deviceHours > 0);
    }

    void runsSideBySideMatchARunAlone() {
        // Parallel trials train in one process: each run's weights and dropout masks must come
        // from its own seed, not from whichever run drew from LibTorch's generator last.
        const RunRequest request{smallSpec({QStringLiteral("training.epochs=6")}), {}, 0};
        const Finished alone = runOnce(db_, request);
        QCOMPARE(alone.result.status, RunStatus::Completed);
        Finished sideBySide[2];
        std::thread first([&] { sideBySide[0] = runOnce(dir_->filePath("a.db"), request); });
        std::thread second([&] { sideBySide[1] = runOnce(dir_->filePath("b.db"), request); });
        first.join();
        second.join();
        for (const Finished& run : sideBySide) {
            QCOMPARE(run.result.status, RunStatus::Completed);
            QCOMPARE(run.valLoss, alone.valLoss);
        }
    }

    void resumeRefusesCompletedRunsAndChangedSpecs() {
        const Finished done = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=1")}), {}});
        try {
            resumeOf(db_, done.result.runId);
            QFAIL("a completed run must not resume");
        } catch (const InputError& e) {
            QVERIFY(e.message().contains(QStringLiteral("is completed")));
        }
        const Finished cancelled = runOnce(db_, {smallSpec(), {}, 0}, QStringLiteral("epoch 1/4"));
        RunRequest changed = resumeOf(db_, cancelled.result.runId);
        changed.spec.training.optimizer.lr = 0.5;
        const Finished refused = runOnce(db_, changed);
        QCOMPARE(refused.result.status, RunStatus::Failed);
        QVERIFY2(refused.result.error.contains(QStringLiteral("written for a different spec")),
                 qPrintable(refused.result.error));
    }

    void checkpointsAreRecorded() {
        const Finished run = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=3")}), {}});
        const QString where = QStringLiteral(" FROM checkpoints WHERE run = %1 ORDER BY is_best")
                                  .arg(run.result.runId);
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT is_best") + where),
                 (QStringList{QStringLiteral("0"), QStringLiteral("1")}));
        QCOMPARE(test::rawColumn(db_, QStringLiteral("SELECT metric") + where).last(),
                 QStringLiteral("val_loss"));
        for (const QString& path : test::rawColumn(db_, QStringLiteral("SELECT path") + where))
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    }

    void windowStatsReadNowOrAtTheWindowsEndAgree() {
        torch::manual_seed(3);
        // Ties count the first largest class, as argmax does.
        const auto tied = torch::tensor({{1.0F, 3.0F, 3.0F}, {2.0F, 2.0F, 0.0F}});
        QCOMPARE(correctPredictions(tied, torch::tensor({1, 1}, torch::kInt64)), int64_t(1));
        WindowStats now(false);
        WindowStats onDevice(true);
        double lossSum = 0;
        int64_t correct = 0;
        for (int64_t size : {16, 16, 5}) {
            const auto outputs = torch::randn({size, 7});
            const auto targets = torch::randint(0, 7, {size}, torch::kInt64);
            const auto loss = torch::rand({});
            QCOMPARE(correctPredictions(outputs, targets),
                     outputs.argmax(1).eq(targets).sum().item<int64_t>());
            lossSum += loss.item<double>() * double(size);
            correct += outputs.argmax(1).eq(targets).sum().item<int64_t>();
            QCOMPARE(*now.add(loss, outputs, targets, true), loss.item<double>());
            QVERIFY(!onDevice.add(loss, outputs, targets, true).has_value());
        }
        for (WindowStats* stats : {&now, &onDevice}) {
            const WindowStats::Totals totals = stats->take();
            QCOMPARE(totals.samples, int64_t(37));
            QCOMPARE(totals.correct, correct);
            QVERIFY(std::abs(totals.lossSum - lossSum) < 1e-5);
            QCOMPARE(stats->take().samples, int64_t(0)); // a new window
        }
        // A loss gone NaN on the device shows when the window is read.
        onDevice.add(torch::tensor(std::nanf("")), torch::zeros({2, 3}),
                     torch::zeros({2}, torch::kInt64), true);
        QVERIFY(std::isnan(onDevice.take().lossSum));
    }

    void eachStepIsCheckpointedOnce() {
        // The last epoch's checkpoint is the run's end: writing it again would cost a second
        // write and fsync of the model and optimizer state for nothing.
        const ExperimentSpec spec = smallSpec({QStringLiteral("training.epochs=2")});
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        RunControl control;
        QList<int64_t> lastSteps;
        TrainerCallbacks callbacks;
        callbacks.metric = [](int64_t, double, const QString&, double) {};
        callbacks.message = [](const QString&) {};
        callbacks.checkpoint = [&](int64_t step, double, const QString&, bool best, const QString&,
                                   double) {
            if (!best)
                lastSteps.append(step);
        };
        QTemporaryDir folder;
        TrainerOptions options;
        options.checkpointDirectory = folder.path();
        const TrainOutcome outcome = Trainer(spec, data, control, callbacks, options).run();
        QCOMPARE(outcome.status, RunStatus::Completed);
        QCOMPARE(lastSteps, (QList<int64_t>{outcome.steps / 2, outcome.steps}));
    }

    void earlyStoppingStopsAfterPatience() {
        // min_delta larger than any possible gain: every epoch after the first is "no better".
        const Finished run =
            runOnce(db_, {smallSpec({QStringLiteral("training.epochs=20"),
                                     QStringLiteral("training.early_stopping.metric=val_loss"),
                                     QStringLiteral("training.early_stopping.patience=2"),
                                     QStringLiteral("training.early_stopping.min_delta=100")}),
                          {}});
        QCOMPARE(run.result.status, RunStatus::Completed);
        QCOMPARE(run.valLoss.size(), 3);
        QVERIFY(run.lines.filter(QStringLiteral("early stop")).size() == 1);
    }

    void plateauScheduleReducesTheRate() {
        const Finished run =
            runOnce(db_, {smallSpec({QStringLiteral("training.epochs=6"),
                                     QStringLiteral("training.schedule.type=reduce_on_plateau"),
                                     QStringLiteral("training.schedule.patience=1"),
                                     QStringLiteral("training.schedule.gamma=0.5"),
                                     QStringLiteral("training.schedule.metric=val_accuracy"),
                                     QStringLiteral("training.optimizer.lr=10"),
                                     QStringLiteral("training.optimizer.type=sgd"),
                                     QStringLiteral("training.grad_clip_norm=1")}),
                          {}});
        QVERIFY2(run.result.status == RunStatus::Completed, qPrintable(run.result.error));
        QVERIFY(run.lines.filter(QStringLiteral("lr reduced to")).size() >= 1);
        WorkspaceReader db(db_);
        const auto lr = db.metricSeries(run.result.runId, QStringLiteral("lr"));
        QCOMPARE(lr.first().value, 10.0);
        QVERIFY(lr.last().value < 10.0);
        QVERIFY(!db.metricSeries(run.result.runId, QStringLiteral("grad_norm")).isEmpty());
    }

    void regressionAndLossTaskChecks() {
        const ExperimentSpec regression = parseSpec(R"({"trainlab": 1,
            "dataset": {"source": "synthetic", "synthetic": {"kind": "regression", "samples": 800, "features": 3}},
            "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 30, "batch_size": 32, "optimizer": {"lr": 0.01}}, "devices": "cpu"})",
                                                    QStringLiteral("r"));
        const Finished run = runOnce(db_, {regression, {}});
        QVERIFY2(run.result.status == RunStatus::Completed, qPrintable(run.result.error));
        const auto summary = WorkspaceReader(db_).metricSummary(run.result.runId);
        QVERIFY2(summary.final.value(QStringLiteral("test_r2")) > 0.8,
                 qPrintable(QString::number(summary.final.value(QStringLiteral("test_r2")))));
        QVERIFY(summary.final.contains(QStringLiteral("val_mae")));

        ExperimentSpec wrong = regression;
        wrong.training.loss.type = QStringLiteral("cross_entropy");
        const Finished refused = runOnce(db_, {wrong, {}});
        QCOMPARE(refused.result.status, RunStatus::Failed);
        QVERIFY(refused.result.error.startsWith(
            QStringLiteral("training.loss.type: cross_entropy needs class labels")));
    }

    void classWeightsAndBalancedSamplingTrain() {
        const Finished run =
            runOnce(db_, {smallSpec({QStringLiteral("training.epochs=2"),
                                     QStringLiteral("dataset.imbalance.class_weights=true"),
                                     QStringLiteral("dataset.imbalance.sampling=balanced")}),
                          {}});
        QVERIFY2(run.result.status == RunStatus::Completed, qPrintable(run.result.error));
    }

    void bf16AutocastTrainsOnCpuAndFp16IsRefused() {
        const Finished bf16 = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=2"),
                                                       QStringLiteral("training.precision=bf16")}),
                                            {}});
        QVERIFY2(bf16.result.status == RunStatus::Completed, qPrintable(bf16.result.error));
        QVERIFY(std::isfinite(bf16.valLoss.last()));
        const Finished fp16 =
            runOnce(db_, {smallSpec({QStringLiteral("training.precision=fp16")}), {}});
        QCOMPARE(fp16.result.status, RunStatus::Failed);
        QVERIFY(fp16.result.error.startsWith(
            QStringLiteral("training.precision: fp16 needs a CUDA device")));
    }

    void testArtifactsAreStored() {
        const Finished run = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=1")}), {}});
        QCOMPARE(test::rawColumn(
                     db_, QStringLiteral("SELECT kind FROM artifacts WHERE run = %1 ORDER BY kind")
                              .arg(run.result.runId)),
                 (QStringList{QStringLiteral("classification_report"),
                              QStringLiteral("confusion_matrix"), QStringLiteral("input_schema"),
                              QStringLiteral("normalization"), QStringLiteral("pr"),
                              QStringLiteral("roc")}));
    }

    void gradientSyncSeesEveryStepBeforeTheUpdate() {
        // The hook a data-parallel run averages gradients in: called once per optimizer step
        // with every gradient, before the step uses them. Zeroing them there must freeze the
        // weights, so the run's validation loss never moves.
        struct ZeroingSync : GradientSync {
            void averageGradients(const std::vector<at::Tensor>& gradients) override {
                ++calls;
                tensors = gradients.size();
                for (const at::Tensor& g : gradients)
                    const_cast<at::Tensor&>(g).zero_();
            }
            int calls = 0;
            size_t tensors = 0;
        } sync;
        const ExperimentSpec spec =
            smallSpec({QStringLiteral("training.epochs=2"), QStringLiteral("model.layers[2].p=0"),
                       QStringLiteral("training.grad_accumulation=2")});
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        RunControl control;
        QVector<double> valLoss;
        int64_t plannedSteps = 0;
        TrainerCallbacks callbacks;
        callbacks.metric = [&](int64_t, double, const QString& name, double value) {
            if (name == QLatin1String("val_loss"))
                valLoss.append(value);
        };
        callbacks.message = [](const QString&) {};
        callbacks.planned = [&](int64_t total) { plannedSteps = total; };
        TrainerOptions options;
        options.gradientSync = &sync;
        const TrainOutcome outcome = Trainer(spec, data, control, callbacks, options).run();
        QCOMPARE(outcome.status, RunStatus::Completed);
        QCOMPARE(int64_t(sync.calls), plannedSteps);
        QCOMPARE(sync.tensors, size_t(4)); // two linear layers: weight and bias each
        QCOMPARE(valLoss.size(), 2);
        QCOMPARE(valLoss[0], valLoss[1]);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
