// The training engine's contracts: accumulation equivalence, resume equivalence, early
// stopping, plateau schedule, class weights, regression, checkpoints.
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/Database.h"
#include "store/RunQueries.h"
#include "store/StoreWriter.h"

#include <QtTest>

using namespace trainlab;

namespace {

class Observer : public RunObserver {
public:
    void runCreated(qint64, const QString&) override {}
    void metricLogged(const MetricPoint&) override {}
    void message(qint64, const QString& line) override {
        lines << line;
        if (!cancelOn.isEmpty() && line.startsWith(cancelOn) && control)
            control->cancel.store(true);
    }
    QStringList lines;
    QString cancelOn;
    RunControl* control = nullptr;
};

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
    RunResult result;
    QVector<double> valLoss;
    QStringList lines;
};

Finished runOnce(const QString& db, const RunRequest& request, const QString& cancelOn = {}) {
    RunControl control;
    Observer observer;
    observer.cancelOn = cancelOn;
    observer.control = &control;
    Finished finished;
    {
        StoreWriter writer(db);
        finished.result = executeRun(request, writer, control, observer);
    }
    Database reader(db, Database::Mode::ReadOnly);
    for (const MetricPoint& p :
         runs::metricSeries(reader, finished.result.runId, QStringLiteral("val_loss")))
        finished.valLoss.append(p.value);
    finished.lines = observer.lines;
    return finished;
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
        const RunRequest request{smallSpec(), {}};
        const Finished straight = runOnce(db_, request);
        QCOMPARE(straight.valLoss.size(), 4);

        const Finished firstHalf = runOnce(db_, request, QStringLiteral("epoch 2/4"));
        QCOMPARE(firstHalf.result.status, RunStatus::Cancelled);
        QCOMPARE(firstHalf.valLoss.size(), 2);
        const RunRequest resume = resumeRequest(db_, firstHalf.result.runId);
        const Finished secondHalf = runOnce(db_, resume);
        QCOMPARE(secondHalf.result.status, RunStatus::Completed);
        QCOMPARE(secondHalf.result.runId, firstHalf.result.runId);
        QVERIFY(secondHalf.lines.filter(QStringLiteral("resumed at step")).size() == 1);
        // The resumed run's series is the uninterrupted one, bit for bit.
        QCOMPARE(secondHalf.valLoss, straight.valLoss);
        Database db(db_, Database::Mode::ReadOnly);
        QVERIFY(*runs::find(db, firstHalf.result.runId)->deviceHours > 0);
    }

    void resumeRefusesCompletedRunsAndChangedSpecs() {
        const Finished done = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=1")}), {}});
        try {
            resumeRequest(db_, done.result.runId);
            QFAIL("a completed run must not resume");
        } catch (const InputError& e) {
            QVERIFY(e.message().contains(QStringLiteral("is completed")));
        }
        const Finished cancelled = runOnce(db_, {smallSpec(), {}}, QStringLiteral("epoch 1/4"));
        RunRequest changed = resumeRequest(db_, cancelled.result.runId);
        changed.spec.training.optimizer.lr = 0.5;
        const Finished refused = runOnce(db_, changed);
        QCOMPARE(refused.result.status, RunStatus::Failed);
        QVERIFY2(refused.result.error.contains(QStringLiteral("written for a different spec")),
                 qPrintable(refused.result.error));
    }

    void checkpointsAreRecorded() {
        const Finished run = runOnce(db_, {smallSpec({QStringLiteral("training.epochs=3")}), {}});
        Database db(db_, Database::Mode::ReadOnly);
        Statement rows(
            db, "SELECT is_best, path, metric FROM checkpoints WHERE run = ? ORDER BY is_best");
        rows.bind(1, run.result.runId);
        QVERIFY(rows.step());
        QCOMPARE(rows.int64(0), 0);
        QVERIFY(QFileInfo::exists(rows.text(1)));
        QVERIFY(rows.step());
        QCOMPARE(rows.int64(0), 1);
        QCOMPARE(rows.text(2), QStringLiteral("val_loss"));
        QVERIFY(QFileInfo::exists(rows.text(1)));
        QVERIFY(!rows.step());
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
        Database db(db_, Database::Mode::ReadOnly);
        const auto lr = runs::metricSeries(db, run.result.runId, QStringLiteral("lr"));
        QCOMPARE(lr.first().value, 10.0);
        QVERIFY(lr.last().value < 10.0);
        QVERIFY(!runs::metricSeries(db, run.result.runId, QStringLiteral("grad_norm")).isEmpty());
    }

    void regressionAndLossTaskChecks() {
        const ExperimentSpec regression = parseSpec(R"({"trainlab": 1,
            "dataset": {"source": "synthetic", "synthetic": {"kind": "regression", "samples": 800, "features": 3}},
            "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 30, "batch_size": 32, "optimizer": {"lr": 0.01}}, "devices": "cpu"})",
                                                    QStringLiteral("r"));
        const Finished run = runOnce(db_, {regression, {}});
        QVERIFY2(run.result.status == RunStatus::Completed, qPrintable(run.result.error));
        Database db(db_, Database::Mode::ReadOnly);
        const auto summary = runs::metricSummary(db, run.result.runId);
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
        Database db(db_, Database::Mode::ReadOnly);
        Statement kinds(db, "SELECT kind FROM artifacts WHERE run = ? ORDER BY kind");
        kinds.bind(1, run.result.runId);
        QStringList found;
        while (kinds.step())
            found << kinds.text(0);
        QCOMPARE(found, (QStringList{QStringLiteral("classification_report"),
                                     QStringLiteral("confusion_matrix"),
                                     QStringLiteral("normalization"), QStringLiteral("roc")}));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
