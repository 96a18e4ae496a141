// Data-parallel training on CPU ranks through c10d's Gloo process group: the ranks follow one
// large batch exactly, a failing rank stops the others, and a RunJob on ["cpu", "cpu"] stores
// one run.
#include "../common/DirectJobContext.h"
#include "../common/JobTestSupport.h"
#include "../common/RawSql.h"

#include "base/Errors.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "jobs/RunJob.h"
#include "jobs/SweepJob.h"
#include "model/ModelBuilder.h"
#include "parallel/ProcessGroup.h"
#include "parallel/Rendezvous.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/Checkpoint.h"
#include "train/DataParallelTrainer.h"
#include "train/OptimizerFactory.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <thread>

using namespace trainlab;

namespace {

// Blobs with no dropout and plain SGD: nothing random after the initial weights, so 2 ranks of
// 32 must follow 1 rank of 64 up to float rounding. 1280 samples: 20 batches of 64.
ExperimentSpec sgdSpec(const QString& devices, const QStringList& overrides = {}) {
    QStringList all = {QStringLiteral("training.batch_size=64"),
                       QStringLiteral("training.max_steps=20")};
    all += overrides;
    return parseSpec(QStringLiteral(R"({"trainlab": 1, "name": "dp",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 1280,
                    "classes": 4, "features": 8, "noise": 1.0},
                    "validation_split": 0, "test_split": 0},
        "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"}, {"type": "linear"}]},
        "training": {"epochs": 1, "optimizer": {"type": "sgd", "lr": 0.1},
                     "schedule": {"type": "constant"}, "log_every_steps": 5, "seed": 7},
        "devices": %1})")
                         .arg(devices)
                         .toUtf8(),
                     QStringLiteral("dp"), all);
}

// The parameters the run's last checkpoint holds, flattened into one vector.
torch::Tensor trainedParameters(const ExperimentSpec& spec, const DatasetSplits& data,
                                int worldSize, const QString& folder) {
    RunControl control;
    TrainerCallbacks callbacks;
    callbacks.message = [](const QString&) {};
    callbacks.metric = [](int64_t, double, const QString&, double) {};
    TrainerOptions options;
    options.cpuThreads = 2;
    options.checkpointDirectory = folder;
    const TrainOutcome outcome =
        worldSize == 1
            ? Trainer(spec, data, control, callbacks, options).run()
            : DataParallelTrainer(spec, data, control, callbacks, options, worldSize).run();
    if (outcome.status != RunStatus::Completed || outcome.steps != 20)
        throw std::runtime_error("the run did not take its 20 steps");
    BuiltModel built = buildModel(spec.model, data.sampleShape, data.numClasses);
    auto optimizer = makeOptimizer(spec.training.optimizer, built.net->parameters());
    loadCheckpoint(QDir(folder).filePath(QStringLiteral("last-20.pt")), built.net, *optimizer, {});
    std::vector<torch::Tensor> flat;
    for (const auto& p : built.net->parameters())
        flat.push_back(p.detach().reshape({-1}));
    return torch::cat(flat);
}

// Sets the failure hook for one scope: rank `rank` throws at optimizer step `step`.
class FailureHook {
public:
    FailureHook(int rank, int step) {
        qputenv(DataParallelTrainer::kFailureHookVariable,
                QByteArray::number(rank) + ':' + QByteArray::number(step));
    }
    ~FailureHook() { qunsetenv(DataParallelTrainer::kFailureHookVariable); }
    FailureHook(const FailureHook&) = delete;
    FailureHook& operator=(const FailureHook&) = delete;
};

} // namespace

class TestDataParallel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void allReduceAveragesOverRanks() {
        Rendezvous rendezvous(std::chrono::seconds(10));
        std::vector<torch::Tensor> results(2);
        auto rank = [&](int r) {
            ProcessGroup group(rendezvous, r, 2);
            // Two dtypes and a tiny bucket: several buckets, each averaged.
            std::vector<torch::Tensor> tensors = {torch::full({3}, double(r + 1)),
                                                  torch::full({2, 2}, float(10 * r)),
                                                  torch::arange(5, torch::kFloat) * float(r)};
            group.allReduceMean(tensors, /*bucketBytes=*/16);
            results[size_t(r)] =
                torch::cat({tensors[0].to(torch::kFloat), tensors[1].reshape({-1}), tensors[2]});
        };
        std::thread other(rank, 1);
        rank(0);
        other.join();
        const auto expected = torch::cat({torch::full({3}, 1.5f), torch::full({4}, 5.0f),
                                          torch::arange(5, torch::kFloat) * 0.5f});
        QVERIFY(torch::equal(results[0], expected));
        QVERIFY(torch::equal(results[1], expected));
    }

    void twoRanksOf32FollowOneRankOf64() {
        const ExperimentSpec one = sgdSpec(QStringLiteral("\"cpu\""));
        const ExperimentSpec two = sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]"));
        const DatasetSplits data = buildDataset(one.dataset, one.training.seed);
        QTemporaryDir a;
        QTemporaryDir b;
        const torch::Tensor single = trainedParameters(one, data, 1, a.path());
        const torch::Tensor parallel = trainedParameters(two, data, 2, b.path());
        const double difference = (single - parallel).abs().max().item<double>();
        qInfo("largest parameter difference after 20 steps: %g", difference);
        QVERIFY2(difference < 1e-5, qPrintable(QString::number(difference)));
        // And the training moved the weights: equal because both learned the same, not because
        // neither learned.
        QTemporaryDir c;
        ExperimentSpec still = one;
        still.training.optimizer.lr = 1e-12;
        QVERIFY((trainedParameters(still, data, 1, c.path()) - single).abs().max().item<double>() >
                1e-3);
    }

    void aFailingRankStopsTheOthers() {
        const ExperimentSpec spec =
            sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]"), {QStringLiteral("training.max_steps=0")});
        DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        // Poison the rows rank 1 trains on in its 6th batch (step 5): only it sees a NaN loss.
        LoaderOptions shard;
        shard.batchSize = 32;
        shard.seed = uint64_t(spec.training.seed) + 1;
        shard.rank = 1;
        shard.worldSize = 2;
        shard.workers = 0;
        const DataLoader loader(
            data.train, data.numClasses,
            [](const torch::Tensor& f, at::IntArrayRef rows) { return selectRows(f, rows); },
            shard);
        const std::vector<int64_t> order = loader.epochOrder(0);
        data.train.features = data.train.features.clone();
        for (int64_t i = 5 * 32; i < 6 * 32; ++i)
            data.train.features[order[size_t(i)]].fill_(std::nan(""));

        RunControl control;
        QStringList lines;
        TrainerCallbacks callbacks;
        callbacks.message = [&](const QString& line) { lines << line; };
        callbacks.metric = [](int64_t, double, const QString&, double) {};
        QElapsedTimer timer;
        timer.start();
        QString error;
        try {
            DataParallelTrainer(spec, data, control, callbacks, TrainerOptions{}, 2).run();
        } catch (const RunError& e) {
            error = e.message();
        }
        const qint64 elapsedMs = timer.elapsed();
        qInfo("both ranks stopped %lld ms after the start; error: %s", elapsedMs,
              qPrintable(error));
        QVERIFY2(error.startsWith(QStringLiteral("training diverged: the loss is nan at step 5")),
                 qPrintable(error));
        QVERIFY(elapsedMs < 30000);
    }

    void aRankThatThrowsEndsTheRunFailedWithItsMessage() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("w.db"));
        const FailureHook hook(1, 5);
        RunJob job(RunRequest{sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]")), {}, 0});
        QElapsedTimer timer;
        timer.start();
        JobInfo info;
        {
            StoreWriter writer(db);
            test::DirectJobContext context(writer);
            info = context.run(job);
        }
        qInfo("both ranks stopped %lld ms after the start", timer.elapsed());
        QVERIFY(timer.elapsed() < 30000);
        QCOMPARE(info.status, RunStatus::Failed);
        QCOMPARE(info.failure, FailureKind::Runtime);
        const auto run = WorkspaceReader(db).run(info.runId);
        QVERIFY(run);
        QCOMPARE(run->status, RunStatus::Failed);
        QVERIFY2(run->error.startsWith(QStringLiteral("failure injected at step 5")),
                 qPrintable(run->error));
    }

    void aSweepGoesOnAfterATrialWhoseRankFailed() {
        // Grid order: the trial of 20 steps loses rank 1 at step 5; the one of 3 steps ends
        // before the hook and completes.
        QJsonObject json = specToJson(sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]")));
        json.insert(QStringLiteral("sweep"), QJsonDocument::fromJson(R"({
            "strategy": "grid", "parallel": 1, "trials": 2,
            "objective": [{"metric": "train_loss", "goal": "minimize"}],
            "space": {"training.max_steps": {"choice": [20, 3]}}})")
                                                 .object());
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("w.db"));
        const FailureHook hook(1, 5);
        test::BackendFixture backend(db);
        const JobInfo sweep = backend.run(
            std::make_unique<SweepJob>(sweepDefinitionFromJson(json, QStringLiteral("test"))));
        const auto trials = WorkspaceReader(db).trials(sweep.sweepId);
        QCOMPARE(trials.size(), size_t(2));
        QCOMPARE(trials[0].run.status, RunStatus::Failed);
        QVERIFY2(trials[0].run.error.startsWith(QStringLiteral("failure injected at step 5")),
                 qPrintable(trials[0].run.error));
        QCOMPARE(trials[1].run.status, RunStatus::Completed);
        QCOMPARE(sweep.status, RunStatus::Completed);
    }

    void cancelAndPauseStopEveryRankAtTheSameStep_data() {
        QTest::addColumn<bool>("cancelWhilePaused");
        QTest::newRow("pause, then resume") << false;
        QTest::newRow("pause, then cancel") << true;
    }

    void cancelAndPauseStopEveryRankAtTheSameStep() {
        // The job's flags reach the ranks through the agreement at each step (and, while every
        // rank is held at the pause, through the coordinating thread): were they read by each
        // rank on its own, one would stop a step early and the other wait out the timeout.
        QFETCH(bool, cancelWhilePaused);
        const ExperimentSpec spec = sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]"));
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        RunControl control;
        QList<bool> pauses;
        std::thread releaser;
        TrainerCallbacks callbacks;
        callbacks.message = [](const QString&) {};
        callbacks.metric = [&](int64_t step, double, const QString&, double) {
            if (step == 5)
                control.pause.store(true);
        };
        callbacks.pauseChanged = [&](bool paused) {
            pauses << paused;
            if (!paused)
                return;
            // Asked from another thread, as the window would.
            releaser = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (cancelWhilePaused)
                    control.cancel.store(true);
                else
                    control.pause.store(false);
            });
        };
        QTemporaryDir dir;
        TrainerOptions options;
        options.checkpointDirectory = dir.path();
        QElapsedTimer timer;
        timer.start();
        const TrainOutcome outcome =
            DataParallelTrainer(spec, data, control, callbacks, options, 2).run();
        releaser.join();
        QVERIFY(timer.elapsed() < 20000);
        if (cancelWhilePaused) {
            QCOMPARE(outcome.status, RunStatus::Cancelled);
            QCOMPARE(pauses, QList<bool>{true});
            QVERIFY(outcome.steps > 5 && outcome.steps < 20);
        } else {
            QCOMPARE(outcome.status, RunStatus::Completed);
            QCOMPARE(pauses, (QList<bool>{true, false}));
            QCOMPARE(outcome.steps, 20);
        }
    }

    void anUnevenBatchIsRefused() {
        const ExperimentSpec spec = sgdSpec(QStringLiteral("[\"cpu\", \"cpu\", \"cpu\"]"));
        try {
            RunJob job(RunRequest{spec, {}, 0});
            QFAIL("a batch of 64 over 3 devices was accepted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("training.batch_size: 64 does not "
                                                           "split evenly over 3 devices")),
                     qPrintable(e.message()));
        }
    }

    void aRunJobOnTwoCpuRanksStoresOneRun() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("w.db"));
        const ExperimentSpec spec = sgdSpec(QStringLiteral("[\"cpu\", \"cpu\"]"),
                                            {QStringLiteral("dataset.validation_split=0.2")});
        RunJob job(RunRequest{spec, {}, 0});
        QCOMPARE(job.info().kind, JobKind::DataParallelRun);
        JobInfo info;
        {
            StoreWriter writer(db);
            test::DirectJobContext context(writer);
            info = context.run(job);
        }
        QVERIFY2(info.status == RunStatus::Completed, qPrintable(info.error));
        WorkspaceReader reader(db);
        QCOMPARE(reader.runs().size(), size_t(1));
        const auto run = reader.run(info.runId);
        QVERIFY(run);
        QCOMPARE(run->status, RunStatus::Completed);
        QCOMPARE(run->devices, QStringLiteral("cpu,cpu"));
        // One curve, not one per rank: a train_loss point at steps 5, 10, 15 and the epoch's
        // end. The batch is global: 1024 training samples at 64 make 16 steps (at 32 per rank
        // the ranks would have taken 32).
        const auto loss = reader.metricSeries(info.runId, QStringLiteral("train_loss"));
        QCOMPARE(loss.size(), 4);
        QCOMPARE(loss.last().step, 16);
        QCOMPARE(reader.metricSeries(info.runId, QStringLiteral("val_loss")).size(), 1);
        // Rank 0 alone wrote checkpoints.
        QCOMPARE(test::rawColumn(db, QStringLiteral("SELECT count(*) FROM checkpoints WHERE "
                                                    "run = %1 AND is_best = 0")
                                         .arg(info.runId)),
                 QStringList{QStringLiteral("1")});
    }
};

QTEST_GUILESS_MAIN(TestDataParallel)
#include "tst_dataparallel.moc"
