// The batch-size finder: how a target batch splits into micro-batches and accumulation steps,
// the doubling search against probes whose limits are known (out of memory, a memory budget
// crossed or predicted to be, the training split, a slow step), a real search whose measured
// memory grows with the batch and stops at a budget, and trainlab-cli batch-find storing its
// result (listed by trainlab-cli preflight) and naming the option at fault.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "base/ProcessMemory.h"
#include "data/DatasetBuilder.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"
#include "train/BatchSizeSearch.h"

#include <QJsonArray>
#include <QtTest>

using namespace trainlab;

namespace {

// Wide layers: a step's activations (4 x 1024 floats a sample, kept for the backward pass) grow
// by megabytes with the batch, well beyond what the allocator keeps from reading the data.
const char* kWide = R"({"trainlab": 1, "name": "wide-batch",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 5000, "noise": 0.05}},
    "model": {"layers": [{"type": "linear", "out": 1024}, {"type": "relu"},
                         {"type": "linear", "out": 1024}, {"type": "relu"}, {"type": "linear"}]},
    "training": {"epochs": 1, "batch_size": 256, "grad_accumulation": 8,
                 "optimizer": {"type": "adam", "lr": 0.001}},
    "devices": "cpu"})";

/// A probe of a device with `bytesPerSample` of step memory that runs out above `oomAbove`.
std::function<BatchSizeProbe(int)> fakeDevice(double bytesPerSample, int oomAbove, double budget,
                                              QList<int>* tried) {
    return [=](int batch) {
        tried->append(batch);
        BatchSizeProbe p;
        p.batch = batch;
        p.peakBytes = bytesPerSample * batch;
        p.outOfMemory = batch > oomAbove;
        p.fits = !p.outOfMemory && !(budget > 0 && *p.peakBytes > budget);
        p.stepSeconds = batch * 1e-4;
        p.samplesPerSecond = 1e4;
        return p;
    };
}

} // namespace

class TestBatchSizeSearch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aTargetSplitsIntoMicroBatchesThatFit() {
        auto check = [](int target, int largest, int micro, int steps) {
            const AccumulationPlan plan = accumulationFor(target, largest);
            QCOMPARE(plan.microBatch, micro);
            QCOMPARE(plan.accumulation, steps);
            QVERIFY(plan.microBatch <= largest);
            QVERIFY(plan.effectiveBatch() >= target);
        };
        check(256, 1024, 256, 1); // fits whole
        check(2048, 512, 512, 4);
        check(2048, 640, 512, 4); // 4 steps are the fewest; 512 divides 2048
        check(1000, 300, 250, 4); // 4 steps of 250 rather than 300 + 300 + 300 + 100
        check(1009, 300, 253, 4); // a prime: no exact split; 4 x 253 reaches it
        QCOMPARE(accumulationFor(64, 0).microBatch, 0); // nothing fits: no plan
    }

    void theSearchDoublesUntilTheDeviceRunsOut() {
        BatchSizeOptions options;
        QList<int> tried;
        const BatchSizeResult r = searchBatchSizes(options, 60000, fakeDevice(1e3, 300, 0, &tried));
        QCOMPARE(tried, (QList<int>{16, 32, 64, 128, 256, 512}));
        QCOMPARE(r.largestBatch, 256);
        QCOMPARE(r.limit, QStringLiteral("out_of_memory"));
        QVERIFY(!r.probes.back().fits);
    }

    void aBudgetStopsTheSearchBeforeItIsCrossed() {
        BatchSizeOptions options;
        options.memoryBudgetBytes = 100e6;
        QList<int> tried;
        // 1 MB a sample: 64 uses 64 MB, and 128 would use 128 MB: not tried.
        BatchSizeResult r =
            searchBatchSizes(options, 60000, fakeDevice(1e6, 1 << 30, 100e6, &tried));
        QCOMPARE(tried, (QList<int>{16, 32, 64}));
        QCOMPARE(r.largestBatch, 64);
        QCOMPARE(r.limit, QStringLiteral("memory"));
        // A probe that crosses the budget itself does not fit.
        tried.clear();
        options.startBatch = 200;
        r = searchBatchSizes(options, 60000, fakeDevice(1e6, 1 << 30, 100e6, &tried));
        QCOMPARE(tried, (QList<int>{200}));
        QCOMPARE(r.largestBatch, 0);
        QCOMPARE(r.limit, QStringLiteral("memory"));
    }

    void theTrainingSplitAndMaxBatchAndTimeEndIt() {
        BatchSizeOptions options;
        QList<int> tried;
        BatchSizeResult r = searchBatchSizes(options, 100, fakeDevice(1, 1 << 30, 0, &tried));
        QCOMPARE(tried, (QList<int>{16, 32, 64, 100})); // the last doubling stops at the split
        QCOMPARE(r.largestBatch, 100);
        QCOMPARE(r.limit, QStringLiteral("data"));
        tried.clear();
        options.maxBatch = 48;
        r = searchBatchSizes(options, 100, fakeDevice(1, 1 << 30, 0, &tried));
        QCOMPARE(tried, (QList<int>{16, 32, 48}));
        QCOMPARE(r.limit, QStringLiteral("max_batch"));
        tried.clear();
        options = {};
        options.maxStepSeconds = 0.005; // the fake step takes batch x 0.1 ms
        r = searchBatchSizes(options, 60000, fakeDevice(1, 1 << 30, 0, &tried));
        QCOMPARE(tried, (QList<int>{16, 32, 64}));
        QCOMPARE(r.largestBatch, 64);
        QCOMPARE(r.limit, QStringLiteral("time"));
    }

    void badOptionsNameTheirFlag() {
        auto message = [](const BatchSizeOptions& o) {
            try {
                checkBatchSizeOptions(o);
            } catch (const InputError& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        BatchSizeOptions o;
        o.startBatch = 0;
        QVERIFY(message(o).contains(QStringLiteral("--start-batch")));
        o = {};
        o.maxBatch = 8;
        QVERIFY(message(o).contains(QStringLiteral("--max-batch")));
        o = {};
        o.memoryBudgetBytes = -1;
        QVERIFY(message(o).contains(QStringLiteral("--memory")));
        o = {};
        o.targetBatch = -4;
        QVERIFY(message(o).contains(QStringLiteral("--target")));
        QVERIFY(message({}).isEmpty());
    }

    void aRealSearchMeasuresMemoryThatGrowsWithTheBatch() {
        if (!resetPeakResidentBytes())
            QSKIP("/proc/self/clear_refs is not writable here: the peak cannot be reset");
        const ExperimentSpec spec = parseSpec(kWide, QStringLiteral("wide.json"));
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        BatchSizeOptions options;
        options.startBatch = 64;
        options.maxBatch = 2048;
        options.memoryBudgetBytes = 1e12; // no budget in the way
        options.cpuThreads = 2;
        int heard = 0;
        BatchSizeResult r =
            batchSizeSearch(spec, data, options, [&heard](const BatchSizeProbe&) { ++heard; });
        QCOMPARE(heard, int(r.probes.size()));
        QCOMPARE(r.probes.size(), 6); // 64 ... 2048
        QCOMPARE(r.largestBatch, 2048);
        QCOMPARE(r.limit, QStringLiteral("max_batch"));
        QCOMPARE(r.device, QStringLiteral("cpu"));
        QCOMPARE(r.targetBatch, 256 * 8); // the spec's batch x accumulation
        QCOMPARE(r.plan.microBatch, 2048);
        QCOMPARE(r.plan.accumulation, 1);
        for (const BatchSizeProbe& p : r.probes) {
            QVERIFY(p.fits);
            QVERIFY(p.samplesPerSecond > 0);
            QVERIFY(p.peakBytes.has_value());
        }
        // Batch 2048 keeps at least two ReLU outputs of 2048 x 1024 floats (16 MB) for the
        // backward pass; batch 64 a thirty-second of that. Both hold Adam's state.
        const double small = *r.probes.front().peakBytes;
        const double large = *r.probes.back().peakBytes;
        QVERIFY2(large - small > 12e6,
                 qPrintable(QStringLiteral("%1 -> %2 bytes").arg(small).arg(large)));

        // A budget between them stops the search below it, predicted or measured.
        options.memoryBudgetBytes = large / 2;
        r = batchSizeSearch(spec, data, options);
        QCOMPARE(r.limit, QStringLiteral("memory"));
        QVERIFY2(r.largestBatch >= 64 && r.largestBatch < 2048,
                 qPrintable(QString::number(r.largestBatch)));
        // It reaches the spec's effective batch of 2048 by accumulating what fits.
        QVERIFY(r.plan.microBatch <= r.largestBatch);
        QCOMPARE(r.plan.effectiveBatch(), 2048);
    }

    void theCliStoresItsResultAndPreflightListsIt() {
        QTemporaryDir dir;
        const QString specPath = dir.filePath(QStringLiteral("wide.json"));
        test::writeFile(specPath, kWide);
        const QString db = dir.filePath(QStringLiteral("batch.db"));
        const test::CliResult result =
            test::runCli({QStringLiteral("batch-find"), specPath, QStringLiteral("--max-batch"),
                          QStringLiteral("256"), QStringLiteral("--target"), QStringLiteral("1000"),
                          QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject doc = test::parseJson(result.out).object();
        QCOMPARE(doc.value(QStringLiteral("largest_batch")).toInt(), 256);
        QCOMPARE(doc.value(QStringLiteral("limit")).toString(), QStringLiteral("max_batch"));
        QCOMPARE(doc.value(QStringLiteral("probes")).toArray().size(), 5); // 16 ... 256
        QCOMPARE(doc.value(QStringLiteral("micro_batch")).toInt(), 250);
        QCOMPARE(doc.value(QStringLiteral("accumulation")).toInt(), 4);
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("batch_size"));
        QCOMPARE(int(stored.size()), 1);
        QCOMPARE(stored.front().id, doc.value(QStringLiteral("id")).toInteger());
        QCOMPARE(stored.front().spec.value(QStringLiteral("name")).toString(),
                 QStringLiteral("wide-batch"));

        const test::CliResult listed =
            test::runCli({QStringLiteral("preflight"), QStringLiteral("--db"), db});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(listed.out.contains("largest batch 256 (max_batch); batch 250 x accumulation 4"),
                 listed.out.constData());

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("batch-find"), specPath, QStringLiteral("--memory"),
                          QStringLiteral("lots"), QStringLiteral("--db"), db}),
            2, "--memory");
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("batch-find"), specPath, QStringLiteral("--max-batch"),
                          QStringLiteral("8"), QStringLiteral("--db"), db}),
            2, "--max-batch");
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("preflight"), QStringLiteral("--kind"),
                          QStringLiteral("lr"), QStringLiteral("--db"), db}),
            2, "--kind");
        QCOMPARE(int(WorkspaceReader(db).preflightResults().size()), 1); // nothing more stored
    }
};

QTEST_GUILESS_MAIN(TestBatchSizeSearch)
#include "tst_batchsizesearch.moc"
