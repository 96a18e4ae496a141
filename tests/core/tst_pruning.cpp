// Magnitude pruning: the spec's validation, the schedule, the pruning itself (global and per
// layer) and a run that prunes and fine-tunes, with its pruned weights still zero at the end.
#include "../common/DirectJobContext.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "jobs/RunJob.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/Checkpoint.h"
#include "train/Pruning.h"
#include "train/Trainer.h"

#include <QJsonArray>
#include <QtTest>

using namespace trainlab;

namespace {

constexpr double kTarget = 0.5;

ExperimentSpec prunedSpec(const QStringList& overrides = {}) {
    QStringList all = {QStringLiteral("training.pruning.sparsity=0.5")};
    all += overrides;
    return parseSpec(R"({"trainlab": 1, "name": "pruned",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 1200,
                    "classes": 4, "features": 8, "noise": 1.0}},
        "model": {"layers": [{"type": "linear", "out": 64}, {"type": "relu"},
                             {"type": "linear", "out": 32}, {"type": "relu"}, {"type": "linear"}]},
        "training": {"epochs": 4, "batch_size": 64, "optimizer": {"type": "adamw", "lr": 0.01,
                     "weight_decay": 0.01}, "pruning": {"fine_tune_epochs": 2}, "seed": 5},
        "devices": "cpu"})",
                     QStringLiteral("pruned"), all);
}

torch::nn::Sequential modelOf(const ExperimentSpec& spec) {
    return buildModel(spec.model, {8}, 4).net;
}

// The zeros of every weight matrix, flattened in order.
torch::Tensor zerosOf(torch::nn::Sequential& model) {
    std::vector<torch::Tensor> zeros;
    for (const auto& p : model->named_parameters())
        if (p.value().dim() >= 2)
            zeros.push_back((p.value() == 0).flatten());
    return torch::cat(zeros);
}

QStringList problemsOf(const QStringList& overrides) {
    try {
        prunedSpec(overrides);
    } catch (const SpecError& e) {
        return e.problems();
    }
    return {};
}

} // namespace

class TestPruning : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("p.db"));
    }

    void specIsValidatedAndRoundTrips() {
        QVERIFY(problemsOf({}).isEmpty());
        QVERIFY(problemsOf({QStringLiteral("training.pruning.sparsity=1")})
                    .first()
                    .startsWith(QStringLiteral("training.pruning.sparsity: must be")));
        QCOMPARE(problemsOf({QStringLiteral("training.pruning.fine_tune_epochs=4")}).first(),
                 QStringLiteral("training.pruning.fine_tune_epochs: must be less than "
                                "training.epochs (4): the model trains before it is pruned"));
        QVERIFY(problemsOf({QStringLiteral("training.pruning.schedule=gradual"),
                            QStringLiteral("training.pruning.start_epoch=2")})
                    .first()
                    .startsWith(QStringLiteral("training.pruning.start_epoch: must be less")));
        QVERIFY(problemsOf({QStringLiteral("training.early_stopping.metric=val_loss")})
                    .first()
                    .contains(QStringLiteral("cannot be combined with training.early_stopping")));
        QVERIFY(problemsOf({QStringLiteral("training.pruning.scope=row")})
                    .first()
                    .startsWith(QStringLiteral("training.pruning.scope:")));
        const ExperimentSpec spec = prunedSpec({QStringLiteral("training.pruning.scope=layer")});
        const ExperimentSpec again = specFromJson(specToJson(spec));
        QCOMPARE(again.training.pruning.sparsity, kTarget);
        QCOMPARE(again.training.pruning.scope, QStringLiteral("layer"));
        QCOMPARE(again.training.pruning.fineTuneEpochs, 2);
        // Off, it is not written: every older spec keeps its hash (and its checkpoints).
        const ExperimentSpec off = prunedSpec({QStringLiteral("training.pruning.sparsity=0")});
        QVERIFY(!specToJson(off)
                     .value(QStringLiteral("training"))
                     .toObject()
                     .contains(QStringLiteral("pruning")));
    }

    void scheduleReachesTheTargetBeforeFineTuning() {
        PruningSpec p;
        p.sparsity = 0.8;
        p.fineTuneEpochs = 2;
        QCOMPARE(scheduledSparsity(p, 7, 10), 0.0);
        QCOMPARE(scheduledSparsity(p, 8, 10), 0.8);
        QCOMPARE(scheduledSparsity(p, 10, 10), 0.8);
        p.schedule = QStringLiteral("gradual");
        p.startEpoch = 2;
        double previous = 0;
        QCOMPARE(scheduledSparsity(p, 2, 10), 0.0);
        for (int e = 3; e <= 8; ++e) {
            const double s = scheduledSparsity(p, e, 10);
            QVERIFY(s > previous);
            // Cubic: the first steps prune the most.
            if (e > 3)
                QVERIFY(s - previous < scheduledSparsity(p, e - 1, 10) -
                                           (e > 4 ? scheduledSparsity(p, e - 2, 10) : 0.0) + 1e-12);
            previous = s;
        }
        QCOMPARE(previous, 0.8);
        QCOMPARE(scheduledSparsity(p, 10, 10), 0.8);
        QCOMPARE(scheduledSparsity(PruningSpec{}, 10, 10), 0.0);
    }

    void globalPruningRemovesTheSmallestWeights() {
        torch::manual_seed(1);
        const ExperimentSpec spec = prunedSpec();
        auto model = modelOf(spec);
        MagnitudePruning pruning(model, spec.training.pruning);
        pruning.pruneTo(kTarget);
        QVERIFY(std::abs(pruning.sparsity() - kTarget) < 1e-3);
        // One threshold for all: every kept weight outweighed every pruned one, and the layers
        // end up pruned unevenly.
        torch::manual_seed(1);
        auto original = modelOf(spec);
        const std::vector<torch::Tensor> now = model->parameters();
        const std::vector<torch::Tensor> was = original->parameters();
        double largestPruned = 0;
        double smallestKept = INFINITY;
        std::vector<double> layerSparsity;
        for (size_t i = 0; i < now.size(); ++i) {
            if (now[i].dim() < 2)
                continue;
            const auto pruned = now[i] == 0;
            largestPruned =
                std::max(largestPruned, was[i].abs().masked_select(pruned).max().item<double>());
            smallestKept =
                std::min(smallestKept, was[i].abs().masked_select(~pruned).min().item<double>());
            layerSparsity.push_back(pruned.to(torch::kFloat64).mean().item<double>());
        }
        QVERIFY(largestPruned <= smallestKept);
        QVERIFY(*std::max_element(layerSparsity.begin(), layerSparsity.end()) -
                    *std::min_element(layerSparsity.begin(), layerSparsity.end()) >
                0.05);

        pruning.pruneTo(0.7); // further: the weights pruned before stay pruned
        QVERIFY(std::abs(pruning.sparsity() - 0.7) < 1e-3);
        const QJsonObject report = pruning.report();
        QCOMPARE(report.value(QStringLiteral("layers")).toArray().size(), 3);
        QCOMPARE(report.value(QStringLiteral("prunable_weights")).toInteger(),
                 8 * 64 + 64 * 32 + 32 * 4);
    }

    void layerScopePrunesEachLayerToTheTarget() {
        const ExperimentSpec spec = prunedSpec({QStringLiteral("training.pruning.scope=layer")});
        auto model = modelOf(spec);
        MagnitudePruning pruning(model, spec.training.pruning);
        pruning.pruneTo(kTarget);
        for (const auto& p : model->named_parameters()) {
            if (p.value().dim() < 2)
                continue;
            const double s = (p.value() == 0).to(torch::kFloat64).mean().item<double>();
            QVERIFY2(std::abs(s - kTarget) <= 1.0 / double(p.value().numel()), p.key().c_str());
        }
    }

    void prunedWeightsStayZeroThroughFineTuning() {
        // Pruned after epoch 2 of 4; the checkpoint written at that epoch's end is kept aside.
        const ExperimentSpec spec = prunedSpec();
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        RunControl control;
        QString afterPruning;
        QVector<double> sparsity;
        TrainerCallbacks callbacks;
        callbacks.metric = [&](int64_t, double, const QString& name, double value) {
            if (name == QLatin1String("sparsity"))
                sparsity << value;
        };
        callbacks.message = [](const QString&) {};
        QJsonObject report;
        callbacks.artifact = [&](const QString& kind, const QJsonObject& payload) {
            if (kind == QLatin1String("pruning"))
                report = payload;
        };
        callbacks.checkpoint = [&](int64_t, double epoch, const QString& path, bool best,
                                   const QString&, double) {
            if (!best && epoch == 2) {
                afterPruning = dir_->filePath(QStringLiteral("after-pruning.pt"));
                QFile::copy(path, afterPruning);
            }
        };
        TrainerOptions options;
        options.checkpointDirectory = dir_->filePath(QStringLiteral("checkpoints"));
        options.owner.specHash = specHash(spec);
        const TrainOutcome outcome = Trainer(spec, data, control, callbacks, options).run();
        QCOMPARE(outcome.status, RunStatus::Completed);
        QCOMPARE(sparsity.size(), 4);
        QCOMPARE(sparsity[0], 0.0);
        QVERIFY(std::abs(sparsity[1] - kTarget) <= 0.01);
        QVERIFY(std::abs(sparsity[3] - kTarget) <= 0.01); // after two epochs of fine-tuning
        QVERIFY(std::abs(report.value(QStringLiteral("sparsity")).toDouble() - kTarget) <= 0.01);

        auto pruned = modelOf(spec);
        loadWeights(afterPruning, pruned);
        auto final = modelOf(spec);
        const QStringList last =
            QDir(options.checkpointDirectory).entryList({QStringLiteral("last-*.pt")}, QDir::Files);
        QCOMPARE(last.size(), 1);
        loadWeights(QDir(options.checkpointDirectory).filePath(last.first()), final);
        const auto zerosThen = zerosOf(pruned);
        const auto zerosNow = zerosOf(final);
        QVERIFY(std::abs(zerosThen.to(torch::kFloat64).mean().item<double>() - kTarget) <= 0.01);
        // Every weight pruned then is zero now, and fine-tuning did move the others.
        QVERIFY((zerosNow.logical_or(~zerosThen)).all().item<bool>());
        bool moved = false;
        for (size_t i = 0; i < final->parameters().size(); ++i)
            moved = moved || !torch::equal(final->parameters()[i], pruned->parameters()[i]);
        QVERIFY(moved);
    }

    void gradualRunIsStoredAndResumesPruned() {
        const ExperimentSpec spec =
            prunedSpec({QStringLiteral("training.epochs=5"),
                        QStringLiteral("training.pruning.schedule=gradual"),
                        QStringLiteral("training.pruning.fine_tune_epochs=1")});
        // Cancelled in epoch 4 (pruned twice by then), resumed: the masks come back from the
        // checkpoint's zeros and the run ends at the target.
        JobInfo first;
        {
            RunJob job({spec, {}, 0});
            StoreWriter writer(db_);
            test::DirectJobContext context(writer);
            context.onMessage = [&](const QString& line) {
                if (line.startsWith(QLatin1String("epoch 3/5")))
                    job.cancel();
            };
            first = context.run(job);
        }
        QCOMPARE(first.status, RunStatus::Cancelled);
        JobInfo second;
        {
            WorkspaceReader reader(db_);
            RunJob job(resumeRequest(reader, first.runId));
            StoreWriter writer(db_);
            test::DirectJobContext context(writer);
            second = context.run(job);
        }
        QCOMPARE(second.status, RunStatus::Completed);
        WorkspaceReader reader(db_);
        QVector<double> series;
        for (const MetricPoint& p : reader.metricSeries(first.runId, QStringLiteral("sparsity")))
            series << p.value;
        QCOMPARE(series.size(), 5);
        for (qsizetype i = 1; i < 4; ++i)
            QVERIFY(series[i] > series[i - 1]);
        QVERIFY(std::abs(series[3] - kTarget) <= 0.01);
        QVERIFY(std::abs(series[4] - kTarget) <= 0.01);
        const QJsonObject show = reader.runReport(*reader.run(first.runId));
        QVERIFY(std::abs(show.value(QStringLiteral("final"))
                             .toObject()
                             .value(QStringLiteral("sparsity"))
                             .toDouble() -
                         kTarget) <= 0.01);
        QCOMPARE(show.value(QStringLiteral("pruning"))
                     .toObject()
                     .value(QStringLiteral("schedule"))
                     .toString(),
                 QStringLiteral("gradual"));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestPruning)
#include "tst_pruning.moc"
