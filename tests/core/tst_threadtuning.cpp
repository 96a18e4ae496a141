// The thread tuner: which splits of the cores it tries, a real tuning on two cores that
// measures every split and picks the fastest, and trainlab-cli tune-threads storing its result
// and naming the option at fault.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"
#include "train/ThreadBudget.h"
#include "train/ThreadTuning.h"

#include <QJsonArray>
#include <QtTest>

using namespace trainlab;

namespace {

const char* kSpirals = R"({"trainlab": 1, "name": "spirals-threads",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 2000, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 1, "batch_size": 64, "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu"})";

QList<QPair<int, int>> pairs(const QVector<ThreadSplit>& splits) {
    QList<QPair<int, int>> out;
    for (const ThreadSplit& s : splits)
        out.append({s.loaderWorkers, s.intraOpThreads});
    return out;
}

} // namespace

class TestThreadTuning : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theSplitsStayWithinTheCores() {
        QCOMPARE(pairs(threadSplitCandidates(1)), (QList<QPair<int, int>>{{0, 1}}));
        QCOMPARE(pairs(threadSplitCandidates(2)), (QList<QPair<int, int>>{{0, 1}, {0, 2}, {1, 1}}));
        QCOMPARE(pairs(threadSplitCandidates(4)),
                 (QList<QPair<int, int>>{
                     {0, 1}, {0, 2}, {0, 4}, {1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}}));
        const QVector<ThreadSplit> many = threadSplitCandidates(16);
        QCOMPARE(many.size(), 24);
        for (const ThreadSplit& s : many) {
            QVERIFY(s.loaderWorkers >= 0 && s.intraOpThreads >= 1);
            QVERIFY(s.threads() <= 16);
        }
        QVERIFY(threadSplitCandidates(0).isEmpty());
    }

    void aRealTuningMeasuresEverySplitAndPicksTheFastest() {
        const ExperimentSpec spec = parseSpec(kSpirals, QStringLiteral("spirals.json"));
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        ThreadTuningOptions options;
        options.cores = 2;
        options.secondsPerProbe = 0.2;
        int heard = 0;
        const ThreadTuningResult r =
            tuneThreads(spec, data, options, [&heard](int index, int count, const ThreadSplit&) {
                QCOMPARE(index, heard);
                QCOMPARE(count, 6); // 3 splits, 2 rounds
                ++heard;
            });
        QCOMPARE(heard, 6);
        QCOMPARE(r.cores, 2);
        QCOMPARE(r.batchSize, 64);
        QCOMPARE(r.splits.size(), 3);
        for (const ThreadSplit& s : r.splits)
            QVERIFY(s.samplesPerSecond > 0);
        QVERIFY(r.bestSplit());
        for (const ThreadSplit& s : r.splits)
            QVERIFY(r.bestSplit()->samplesPerSecond >= s.samplesPerSecond);
        // The split the spec runs now (no augmentation, workers on auto; OMP_NUM_THREADS, which
        // the test environment may set, decides the intra-op threads) is among those tried.
        const ThreadBudget now = threadBudget(2, spec.dataset.loader.workers, false);
        QVERIFY(r.current >= 0);
        QCOMPARE(r.splits[r.current].loaderWorkers, now.loaderWorkers);
        QCOMPARE(r.splits[r.current].intraOpThreads, now.intraOpThreads);
        QVERIFY(r.speedup() >= 1.0);
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value(QStringLiteral("training_threads")).toInt(), r.bestSplit()->threads());
        QCOMPARE(json.value(QStringLiteral("loader_workers")).toInt(),
                 r.bestSplit()->loaderWorkers);
    }

    void theCliStoresItsResultWithTheSpec() {
        QTemporaryDir dir;
        const QString specPath = dir.filePath(QStringLiteral("spirals.json"));
        test::writeFile(specPath, kSpirals);
        const QString db = dir.filePath(QStringLiteral("threads.db"));
        const test::CliResult result =
            test::runCli({QStringLiteral("tune-threads"), specPath, QStringLiteral("--cores"),
                          QStringLiteral("2"), QStringLiteral("--seconds"), QStringLiteral("0.1"),
                          QStringLiteral("--batch"), QStringLiteral("32"), QStringLiteral("--db"),
                          db, QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject doc = test::parseJson(result.out).object();
        QCOMPARE(doc.value(QStringLiteral("cores")).toInt(), 2);
        QCOMPARE(doc.value(QStringLiteral("batch_size")).toInt(), 32);
        QCOMPARE(doc.value(QStringLiteral("splits")).toArray().size(), 3);
        QVERIFY(doc.value(QStringLiteral("training_threads")).toInt() >= 1);
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("threads"));
        QCOMPARE(int(stored.size()), 1);
        QCOMPARE(stored.front().id, doc.value(QStringLiteral("id")).toInteger());
        QCOMPARE(stored.front().spec.value(QStringLiteral("name")).toString(),
                 QStringLiteral("spirals-threads"));

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("tune-threads"), specPath, QStringLiteral("--cores"),
                          QStringLiteral("-1"), QStringLiteral("--db"), db}),
            2, "--cores");
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("tune-threads"), specPath, QStringLiteral("--seconds"),
                          QStringLiteral("0"), QStringLiteral("--db"), db}),
            2, "--seconds");
        QCOMPARE(int(WorkspaceReader(db).preflightResults().size()), 1);
    }
};

QTEST_GUILESS_MAIN(TestThreadTuning)
#include "tst_threadtuning.moc"
