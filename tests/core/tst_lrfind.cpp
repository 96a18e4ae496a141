// The learning-rate range test: its rates grow by one factor, the suggestion is where the
// smoothed loss falls fastest (checked on a curve whose answer is known), a real test on the
// spirals stops once the loss blows up and repeats itself from the seed, and trainlab-cli
// lr-find stores its result with the spec.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "spec/SpecJson.h"
#include "store/WorkspaceReader.h"
#include "train/LrRangeTest.h"

#include <QJsonArray>
#include <QtTest>
#include <cmath>

using namespace trainlab;

namespace {

const char* kSpirals = R"({"trainlab": 1, "name": "spirals-lr",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 800, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 1, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu"})";

ExperimentSpec spiralsSpec() {
    return parseSpec(kSpirals, QStringLiteral("spirals-lr.json"));
}

} // namespace

class TestLrFind : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theSuggestionIsTheSteepestFall() {
        // log10(lr) from -5 to 0 in steps of 0.1; the loss falls fastest at lr = 0.01, has its
        // lowest point at lr = 10^-0.5, and rises after it.
        QVector<LrRangePoint> points;
        for (int i = 0; i <= 50; ++i) {
            const double x = -5 + 0.1 * i;
            LrRangePoint p;
            p.lr = std::pow(10.0, x);
            p.smoothed = 1 + 1 / (1 + std::exp(3 * (x + 2))) + (x > -0.5 ? 4 * (x + 0.5) : 0);
            points.append(p);
        }
        const auto lr = steepestDescentLr(points);
        QVERIFY(lr);
        QVERIFY2(std::abs(std::log10(*lr) + 2) < 1e-9, qPrintable(QString::number(*lr)));
        // A loss that never falls suggests nothing.
        for (LrRangePoint& p : points)
            p.smoothed = 1 + p.lr;
        QVERIFY(!steepestDescentLr(points));
    }

    void aRealTestStopsWhenTheLossDiverges() {
        const ExperimentSpec spec = spiralsSpec();
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        LrRangeOptions options;
        options.minLr = 1e-5;
        options.maxLr = 100;
        options.steps = 80;
        options.cpuThreads = 1;
        int heard = 0;
        const LrRangeResult result =
            lrRangeTest(spec, data, options, [&heard](int, const LrRangePoint&) { ++heard; });
        QCOMPARE(heard, int(result.points.size()));
        QVERIFY(result.points.size() >= 10);
        // Every rate the previous one times the same factor, from minLr.
        const double growth = std::pow(options.maxLr / options.minLr, 1.0 / (options.steps - 1));
        QCOMPARE(result.points.front().lr, options.minLr);
        for (qsizetype i = 1; i < result.points.size(); ++i)
            QVERIFY(std::abs(result.points[i].lr / result.points[i - 1].lr - growth) < 1e-9);
        // Adam at a rate of 100 does not train: the test stopped before its last step.
        QVERIFY(result.diverged);
        QVERIFY(result.points.size() < options.steps);
        QVERIFY(result.suggestedLr && result.minimumLossLr);
        QVERIFY(*result.suggestedLr >= options.minLr);
        QVERIFY(*result.suggestedLr <= *result.minimumLossLr);
        // The smoothed loss at the suggestion is below where it started: it was learning there.
        QVERIFY(result.points.front().smoothed > 0);

        // The same spec gives the same curve: the model and the batches come from its seed.
        const LrRangeResult again = lrRangeTest(spec, data, options);
        QCOMPARE(again.points.size(), result.points.size());
        for (qsizetype i = 0; i < 10; ++i)
            QCOMPARE(again.points[i].loss, result.points[i].loss);
        const QJsonObject json = result.toJson();
        QCOMPARE(json.value(QStringLiteral("lr")).toArray().size(), result.points.size());
        QCOMPARE(json.value(QStringLiteral("suggested_lr")).toDouble(), *result.suggestedLr);
    }

    void impossibleOptionsAreNamed() {
        const auto message = [](const LrRangeOptions& o) {
            try {
                checkLrRangeOptions(o);
            } catch (const InputError& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        LrRangeOptions o;
        o.minLr = 0;
        QVERIFY(message(o).contains(QStringLiteral("--min-lr")));
        o = {};
        o.maxLr = o.minLr;
        QVERIFY(message(o).contains(QStringLiteral("--max-lr")));
        o = {};
        o.steps = 2;
        QVERIFY(message(o).contains(QStringLiteral("--steps")));
        QVERIFY(message({}).isEmpty());
    }

    void theCliStoresItsResultWithTheSpec() {
        QTemporaryDir dir;
        const QString specPath = dir.filePath(QStringLiteral("spirals-lr.json"));
        test::writeFile(specPath, kSpirals);
        const QString db = dir.filePath(QStringLiteral("lr.db"));
        const test::CliResult result = test::runCli(
            {QStringLiteral("lr-find"), specPath, QStringLiteral("--steps"), QStringLiteral("40"),
             QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject doc = test::parseJson(result.out).object();
        QVERIFY(doc.value(QStringLiteral("lr")).toArray().size() >= 10);
        QVERIFY(doc.value(QStringLiteral("suggested_lr")).isDouble());
        WorkspaceReader workspace(db);
        const auto stored = workspace.preflightResults(QStringLiteral("lr_find"));
        QCOMPARE(int(stored.size()), 1);
        QCOMPARE(stored.front().id, doc.value(QStringLiteral("id")).toInteger());
        QCOMPARE(stored.front().spec.value(QStringLiteral("name")).toString(),
                 QStringLiteral("spirals-lr"));
        QCOMPARE(stored.front().result.value(QStringLiteral("suggested_lr")).toDouble(),
                 doc.value(QStringLiteral("suggested_lr")).toDouble());

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("lr-find"), specPath, QStringLiteral("--steps"),
                          QStringLiteral("2.5"), QStringLiteral("--db"), db}),
            2, "--steps");
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("lr-find"), specPath, QStringLiteral("--min-lr"),
                          QStringLiteral("x"), QStringLiteral("--db"), db}),
            2, "--min-lr");
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("lr-find"), dir.filePath(QStringLiteral("missing.json")),
                          QStringLiteral("--db"), db}),
            2, "missing.json");
        QCOMPARE(int(WorkspaceReader(db).preflightResults().size()), 1); // nothing more stored
    }
};

QTEST_GUILESS_MAIN(TestLrFind)
#include "tst_lrfind.moc"
