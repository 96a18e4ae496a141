// The evaluation a run stores, checked against predictions this test computes itself: the run's
// stored weights are loaded and run on the test images here, and the confusion matrix,
// per-class precision / recall / F1, ROC-AUC (by counting ordered pairs) and average precision
// are computed by plain loops. `report --json`, `show --json`, `report --csv` and the stored
// misclassified examples must match them exactly; runs without an evaluation exit 2.
#include "../common/CliSupport.h"
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "deploy/StoredModel.h"
#include "store/WorkspaceReader.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <torch/types.h>

using namespace trainlab;
using test::parseJson;
using test::runCli;

namespace {

constexpr int kSide = 10;
constexpr int kClasses = 4;
constexpr int kTrain = 400;
constexpr int kTest = 120;
constexpr double kTolerance = 1e-9;

// Class c sits around brightness 60 + 40c with noise wide enough that neighbours overlap, so
// the small model trained briefly makes mistakes of every kind.
int labelOf(size_t sample) {
    return int((sample * 7 + sample / 5) % kClasses);
}

uchar pixelOf(size_t sample, size_t p) {
    const size_t noise = ((sample + 1) * 2654435761u + p * 40503u) % 97;
    return uchar(std::min<size_t>(255, 40 + 40 * size_t(labelOf(sample)) + noise));
}

// Test samples: 100..109 repeat 0..9 (tied scores within a class), and the last one repeats
// sample 0's image under another label (a tie between a positive and a negative).
size_t testImageOf(size_t i) {
    return i >= 100 && i < 110 ? 1000 + i - 100 : (i == kTest - 1 ? 1000 : 1000 + i);
}

int testLabelOf(size_t i) {
    if (i == kTest - 1)
        return (labelOf(testImageOf(i)) + 1) % kClasses;
    return labelOf(testImageOf(i));
}

QByteArray testImages() {
    return test::idxBytes({kTest, kSide, kSide}, 0x08, [](size_t index) {
        return pixelOf(testImageOf(index / (kSide * kSide)), index % (kSide * kSide));
    });
}

/// What the test computes on its own from the logits.
struct Expected {
    std::vector<std::vector<qint64>> confusion;
    std::vector<double> precision, recall, f1, auc, ap;
    std::vector<qint64> support;
    std::vector<int> predicted;
    std::vector<std::vector<double>> logProbability;
    double accuracy = 0;
};

Expected expectedFrom(const std::vector<std::vector<double>>& logits,
                      const std::vector<int>& labels) {
    Expected e;
    const size_t n = labels.size();
    e.confusion.assign(kClasses, std::vector<qint64>(kClasses, 0));
    for (size_t i = 0; i < n; ++i) {
        const auto& z = logits[i];
        const int p = int(std::max_element(z.begin(), z.end()) - z.begin());
        e.predicted.push_back(p);
        e.confusion[size_t(labels[i])][size_t(p)] += 1;
        const double top = *std::max_element(z.begin(), z.end());
        double sum = 0;
        for (double v : z)
            sum += std::exp(v - top);
        std::vector<double> logP;
        for (double v : z)
            logP.push_back(v - top - std::log(sum));
        e.logProbability.push_back(logP);
    }
    qint64 correct = 0;
    for (int k = 0; k < kClasses; ++k) {
        qint64 tp = e.confusion[k][k], predicted = 0, actual = 0;
        for (int j = 0; j < kClasses; ++j) {
            predicted += e.confusion[j][k];
            actual += e.confusion[k][j];
        }
        correct += tp;
        const double precision = predicted > 0 ? double(tp) / double(predicted) : 0.0;
        const double recall = actual > 0 ? double(tp) / double(actual) : 0.0;
        e.precision.push_back(precision);
        e.recall.push_back(recall);
        e.f1.push_back(precision + recall > 0 ? 2 * precision * recall / (precision + recall)
                                              : 0.0);
        e.support.push_back(actual);
        // ROC-AUC: the share of (positive, negative) pairs ranked right, ties counting half.
        double ordered = 0;
        double pairs = 0;
        // AP: the mean over positives of the precision among samples scoring at least as high.
        double precisionSum = 0;
        for (size_t i = 0; i < n; ++i) {
            if (labels[i] != k)
                continue;
            const double si = e.logProbability[i][k];
            qint64 atLeast = 0, positivesAtLeast = 0;
            for (size_t j = 0; j < n; ++j) {
                const double sj = e.logProbability[j][k];
                if (sj >= si) {
                    ++atLeast;
                    positivesAtLeast += labels[j] == k ? 1 : 0;
                }
                if (labels[j] == k)
                    continue;
                pairs += 1;
                ordered += si > sj ? 1.0 : (si == sj ? 0.5 : 0.0);
            }
            precisionSum += double(positivesAtLeast) / double(atLeast);
        }
        e.auc.push_back(ordered / pairs);
        e.ap.push_back(precisionSum / double(actual));
    }
    e.accuracy = double(correct) / double(n);
    return e;
}

void verifyNear(const QJsonValue& actual, double expected, const char* what, int k) {
    QVERIFY2(actual.isDouble() && std::abs(actual.toDouble() - expected) <= kTolerance,
             qPrintable(QStringLiteral("%1 of class %2: %3, expected %4")
                            .arg(QLatin1String(what))
                            .arg(k)
                            .arg(actual.toDouble(), 0, 'g', 17)
                            .arg(expected, 0, 'g', 17)));
}

} // namespace

class TestEvaluationReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        db_ = dir_.filePath(QStringLiteral("evaluation.db"));
        auto file = [&](const char* name) { return dir_.filePath(QLatin1String(name)); };
        test::writeFile(file("train-images"),
                        test::idxBytes({kTrain, kSide, kSide}, 0x08, [](size_t index) {
                            return pixelOf(index / (kSide * kSide), index % (kSide * kSide));
                        }));
        test::writeFile(file("train-labels"),
                        test::idxBytes({kTrain}, 0x08, [](size_t i) { return uchar(labelOf(i)); }));
        test::writeFile(file("test-images"), testImages());
        test::writeFile(file("test-labels"), test::idxBytes({kTest}, 0x08, [](size_t i) {
                            return uchar(testLabelOf(i));
                        }));
        const QString spec = file("fixed.json");
        test::writeFile(spec, QStringLiteral(R"({"trainlab": 1, "name": "fixed-weights",
            "dataset": {"source": "idx", "train": {"images": "%1", "labels": "%2"},
                        "test": {"images": "%3", "labels": "%4"},
                        "validation_split": 0.2, "normalize": false},
            "model": {"layers": [{"type": "flatten"}, {"type": "linear", "out": 12},
                                 {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 2, "batch_size": 32, "seed": 3,
                         "optimizer": {"type": "sgd", "lr": 0.02}},
            "devices": "cpu"})")
                                  .arg(file("train-images"), file("train-labels"),
                                       file("test-images"), file("test-labels"))
                                  .toUtf8());
        const auto run = runCli(
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        run_ = parseJson(run.out).object().value(QStringLiteral("id")).toInteger();
        QVERIFY(run_ > 0);

        // The run's stored weights, run here on the test images as they are on disk.
        WorkspaceReader workspace(db_);
        StoredModel model = loadStoredModel(workspace, run_);
        torch::NoGradGuard noGrad;
        std::vector<float> pixels;
        for (size_t i = 0; i < size_t(kTest); ++i)
            for (size_t p = 0; p < size_t(kSide * kSide); ++p)
                pixels.push_back(float(pixelOf(testImageOf(i), p)) * (1.0f / 255.0f));
        const auto x = torch::from_blob(pixels.data(), {kTest, 1, kSide, kSide}, torch::kFloat32);
        const auto logits = model.net->forward(x).to(torch::kFloat64).contiguous();
        std::vector<std::vector<double>> rows;
        for (int i = 0; i < kTest; ++i) {
            rows.emplace_back();
            for (int k = 0; k < kClasses; ++k)
                rows.back().push_back(logits[i][k].item<double>());
        }
        std::vector<int> labels;
        for (size_t i = 0; i < size_t(kTest); ++i)
            labels.push_back(testLabelOf(i));
        labels_ = labels;
        expected_ = expectedFrom(rows, labels);
        qInfo("the fixed model's test accuracy: %.3f", expected_.accuracy);
        // A useful check needs mistakes and successes alike.
        QVERIFY(expected_.accuracy > 0.3 && expected_.accuracy < 0.97);
    }

    void reportJsonMatchesTheIndependentComputation() {
        const auto result = runCli({QStringLiteral("report"), QString::number(run_),
                                    QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonObject report = parseJson(result.out).object();
        QCOMPARE(report.value(QStringLiteral("run")).toInteger(), run_);
        const QJsonObject e = report.value(QStringLiteral("evaluation")).toObject();
        const QJsonArray matrix =
            e[QStringLiteral("confusion_matrix")][QStringLiteral("matrix")].toArray();
        QCOMPARE(matrix.size(), kClasses);
        for (int t = 0; t < kClasses; ++t)
            for (int p = 0; p < kClasses; ++p)
                QCOMPARE(matrix[t][p].toInteger(), expected_.confusion[t][p]);
        const QJsonArray perClass = e[QStringLiteral("per_class")].toArray();
        QCOMPARE(perClass.size(), kClasses);
        double macroAuc = 0, macroAp = 0, weightedF1 = 0;
        for (int k = 0; k < kClasses; ++k) {
            const QJsonObject row = perClass[k].toObject();
            QCOMPARE(row[QStringLiteral("support")].toInteger(), expected_.support[k]);
            verifyNear(row[QStringLiteral("precision")], expected_.precision[k], "precision", k);
            verifyNear(row[QStringLiteral("recall")], expected_.recall[k], "recall", k);
            verifyNear(row[QStringLiteral("f1")], expected_.f1[k], "f1", k);
            verifyNear(row[QStringLiteral("roc_auc")], expected_.auc[k], "ROC-AUC", k);
            verifyNear(row[QStringLiteral("average_precision")], expected_.ap[k], "AP", k);
            macroAuc += expected_.auc[k] / kClasses;
            macroAp += expected_.ap[k] / kClasses;
            weightedF1 += expected_.f1[k] * double(expected_.support[k]) / kTest;
        }
        verifyNear(e[QStringLiteral("accuracy")], expected_.accuracy, "accuracy", -1);
        verifyNear(e[QStringLiteral("macro")][QStringLiteral("roc_auc")], macroAuc, "macro AUC",
                   -1);
        verifyNear(e[QStringLiteral("macro")][QStringLiteral("average_precision")], macroAp,
                   "macro AP", -1);
        verifyNear(e[QStringLiteral("weighted")][QStringLiteral("f1")], weightedF1, "weighted F1",
                   -1);
        // Curves: one per class, from (0, 0) to (1, 1) for ROC, with their areas.
        const QJsonArray roc = e[QStringLiteral("roc")].toArray();
        QCOMPARE(roc.size(), kClasses);
        QCOMPARE(roc[0][QStringLiteral("fpr")][0].toDouble(), 0.0);
        QCOMPARE(roc[0][QStringLiteral("tpr")].toArray().last().toDouble(), 1.0);
        verifyNear(roc[2][QStringLiteral("auc")], expected_.auc[2], "curve AUC", 2);
        QCOMPARE(e[QStringLiteral("pr")].toArray().size(), kClasses);

        // show --json carries the same figures (without the curves).
        const auto show = runCli({QStringLiteral("show"), QString::number(run_),
                                  QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QVERIFY2(show.exitCode == 0, show.err.constData());
        QJsonObject shown =
            parseJson(show.out).object().value(QStringLiteral("evaluation")).toObject();
        QJsonObject figures = e;
        for (const char* key : {"roc", "pr", "misclassified"})
            figures.remove(QLatin1String(key));
        QCOMPARE(shown, figures);
    }

    void misclassifiedExamplesAreTheMostConfidentMistakes() {
        std::vector<int> wrong;
        for (int i = 0; i < kTest; ++i)
            if (expected_.predicted[i] != labels_[i])
                wrong.push_back(i);
        // Most confident first; equal confidence in test order.
        auto confidence = [&](int i) {
            return expected_.logProbability[i][size_t(expected_.predicted[i])];
        };
        std::stable_sort(wrong.begin(), wrong.end(),
                         [&](int a, int b) { return confidence(a) > confidence(b); });
        WorkspaceReader workspace(db_);
        const auto stored = workspace.artifact(run_, QStringLiteral("misclassified"));
        QVERIFY(stored);
        QCOMPARE(stored->value(QStringLiteral("count")).toInteger(), qint64(wrong.size()));
        const QJsonArray examples = stored->value(QStringLiteral("examples")).toArray();
        QCOMPARE(examples.size(), qsizetype(std::min<size_t>(64, wrong.size())));
        for (qsizetype j = 0; j < examples.size(); ++j) {
            const QJsonObject x = examples[j].toObject();
            const int i = wrong[size_t(j)];
            QCOMPARE(x[QStringLiteral("index")].toInt(), i);
            QCOMPARE(x[QStringLiteral("true")].toInt(), labels_[size_t(i)]);
            QCOMPARE(x[QStringLiteral("predicted")].toInt(), expected_.predicted[size_t(i)]);
            verifyNear(x[QStringLiteral("probability")], std::exp(confidence(i)), "probability", i);
            // The image itself, viewable without the dataset files.
            const QImage image = QImage::fromData(
                QByteArray::fromBase64(x[QStringLiteral("png")].toString().toLatin1()), "PNG");
            QCOMPARE(image.size(), QSize(kSide, kSide));
            for (int p = 0; p < kSide * kSide; ++p)
                QCOMPARE(qGray(image.pixel(p % kSide, p / kSide)),
                         int(pixelOf(testImageOf(size_t(i)), size_t(p))));
        }
    }

    void csvAndTextReports() {
        const auto csv = runCli({QStringLiteral("report"), QString::number(run_),
                                 QStringLiteral("--db"), db_, QStringLiteral("--csv")});
        QVERIFY2(csv.exitCode == 0, csv.err.constData());
        const QList<QByteArray> lines = csv.out.trimmed().split('\n');
        // The evaluation's two tables, then the cost's after an empty line: header and the run.
        QCOMPARE(lines.size(), 1 + kClasses + 1 + 1 + kClasses + 1 + 2);
        QVERIFY(lines[2 + 2 * kClasses + 1].isEmpty());
        QVERIFY(lines[2 + 2 * kClasses + 2].startsWith("role,run,wall_seconds,device_hours"));
        QVERIFY(lines[2 + 2 * kClasses + 3].startsWith(
            QByteArray("run,").append(QByteArray::number(run_)).append(',')));
        QCOMPARE(lines[0],
                 QByteArray("class,precision,recall,f1,support,roc_auc,average_precision"));
        const QList<QByteArray> first = lines[1].split(',');
        QCOMPARE(first.size(), 7);
        QVERIFY(std::abs(first[3].toDouble() - expected_.f1[0]) < 1e-10);
        QCOMPARE(first[4].toLongLong(), expected_.support[0]);
        QVERIFY(lines[1 + kClasses].isEmpty());
        QVERIFY(lines[2 + kClasses].startsWith("true \\ predicted,"));
        for (int t = 0; t < kClasses; ++t) {
            const QList<QByteArray> cells = lines[3 + kClasses + t].split(',');
            QCOMPARE(cells.size(), 1 + kClasses);
            for (int p = 0; p < kClasses; ++p)
                QCOMPARE(cells[1 + p].toLongLong(), expected_.confusion[t][p]);
        }
        const auto text =
            runCli({QStringLiteral("report"), QString::number(run_), QStringLiteral("--db"), db_});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        for (const char* part :
             {"confusion matrix", "macro avg", "weighted avg", "ROC-AUC", "misclassified"})
            QVERIFY2(text.out.contains(part), text.out.constData());
    }

    void runsWithoutAnEvaluationReportTheirCost() {
        const QString spec = dir_.filePath(QStringLiteral("regression.json"));
        test::writeFile(spec, R"({"trainlab": 1, "name": "values",
            "dataset": {"source": "synthetic",
                        "synthetic": {"kind": "regression", "samples": 200, "features": 3}},
            "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"},
                                 {"type": "linear"}]},
            "training": {"epochs": 1, "batch_size": 32}, "devices": "cpu"})");
        const auto run = runCli(
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const qint64 id = parseJson(run.out).object().value(QStringLiteral("id")).toInteger();
        QVERIFY(!parseJson(run.out).object().contains(QStringLiteral("evaluation")));
        // No evaluation to show, and the report says why; the cost section is still there.
        const auto report =
            runCli({QStringLiteral("report"), QString::number(id), QStringLiteral("--db"), db_});
        QVERIFY2(report.exitCode == 0, report.err.constData());
        QVERIFY2(
            report.out.contains(
                QStringLiteral("not in this report: run %1 is a regression run").arg(id).toUtf8()),
            report.out.constData());
        QVERIFY2(report.out.contains("cost\n  this run:"), report.out.constData());
        const auto json = runCli({QStringLiteral("report"), QString::number(id),
                                  QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject doc = parseJson(json.out).object();
        QVERIFY(!doc.contains(QStringLiteral("evaluation")));
        QVERIFY(doc.value(QStringLiteral("evaluation_missing"))
                    .toString()
                    .contains(QStringLiteral("regression")));
        QCOMPARE(
            doc.value(QStringLiteral("cost")).toObject().value(QStringLiteral("run")).toInteger(),
            id);
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("report"), QString::number(id), QStringLiteral("--baseline"),
                    QStringLiteral("4242"), QStringLiteral("--db"), db_}),
            2, QStringLiteral("--baseline"));
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("report"), QStringLiteral("999"), QStringLiteral("--db"), db_}),
            2, QStringLiteral("no run 999"));
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("report"), QString::number(run_), QStringLiteral("--db"), db_,
                    QStringLiteral("--csv"), QStringLiteral("--json")}),
            2, QStringLiteral("--json and --csv"));
    }

private:
    QTemporaryDir dir_;
    QString db_;
    qint64 run_ = 0;
    std::vector<int> labels_;
    Expected expected_;
};

QTEST_GUILESS_MAIN(TestEvaluationReport)
#include "tst_evaluationreport.moc"
