// Evaluation metrics against values computed by hand.
#include "train/EvaluationMetrics.h"

#include <QJsonArray>
#include <QtTest>
#include <torch/types.h>
#include <torch/utils.h>

using namespace trainlab;

namespace {

bool near(double a, double b) {
    return std::abs(a - b) < 1e-9;
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void classificationByHand() {
        // Predictions 0,1,1,1,2,0 for labels 0,0,1,1,2,2.
        const auto scores = torch::tensor({0.9, 0.05, 0.05, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8,
                                           0.1, 0.1, 0.1, 0.8, 0.5, 0.1, 0.4},
                                          torch::kFloat64)
                                .view({6, 3});
        const auto targets = torch::tensor({0, 0, 1, 1, 2, 2}, torch::kInt64);
        const ClassificationReport r = classificationReport(scores, targets, 3, 2);
        QVERIFY(near(r.accuracy, 4.0 / 6.0));
        QVERIFY(near(r.topK, 1.0));
        QCOMPARE(r.topKUsed, 2);
        QCOMPARE(r.confusion.sizes().vec(), (std::vector<int64_t>{3, 3}));
        QCOMPARE(r.confusion[0][1].item<int64_t>(), 1);
        QCOMPARE(r.confusion[2][0].item<int64_t>(), 1);
        QCOMPARE(r.confusion[1][1].item<int64_t>(), 2);
        QVERIFY(near(r.precision[0], 0.5));
        QVERIFY(near(r.precision[1], 2.0 / 3.0));
        QVERIFY(near(r.precision[2], 1.0));
        QVERIFY(near(r.recall[1], 1.0));
        QVERIFY(near(r.f1[1], 0.8));
        QVERIFY(near(r.macroPrecision, (0.5 + 2.0 / 3.0 + 1.0) / 3.0));
        QVERIFY(near(r.macroRecall, 2.0 / 3.0));
        QVERIFY(near(r.macroF1, (0.5 + 0.8 + 2.0 / 3.0) / 3.0));
        // Equal support (2 each): weighted equals macro here.
        QVERIFY(near(r.weightedF1, r.macroF1));
        // Class 0 one-vs-rest: 7 of the 8 (positive, negative) pairs are ordered right.
        QVERIFY(near(r.roc[0].auc, 7.0 / 8.0));
        QVERIFY(r.roc[0].defined);
        QCOMPARE(r.roc[0].fpr.front(), 0.0);
        QCOMPARE(r.roc[0].tpr.back(), 1.0);
    }

    void weightedAveragesUseSupport() {
        // Labels 0,0,0,1 all predicted 0: class 0 P=0.75 R=1; class 1 P=0 (no predictions) R=0.
        const auto scores =
            torch::tensor({1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0}, torch::kFloat64).view({4, 2});
        const auto targets = torch::tensor({0, 0, 0, 1}, torch::kInt64);
        const ClassificationReport r = classificationReport(scores, targets, 2, 5);
        QCOMPARE(r.topKUsed, 2);
        const double f1Class0 = 2 * 0.75 * 1.0 / 1.75;
        QVERIFY(near(r.macroF1, f1Class0 / 2));
        QVERIFY(near(r.weightedF1, f1Class0 * 3 / 4));
        QVERIFY(near(r.weightedPrecision, 0.75 * 3 / 4));
        // All scores tie within each column: one diagonal step, AUC 0.5.
        QVERIFY(near(r.roc[0].auc, 0.5));
        QVERIFY(near(r.macroAuc, 0.5));
    }

    void rocIsUndefinedWithoutBothClasses() {
        const RocCurve roc = rocCurve(torch::tensor({0.1, 0.2}), torch::tensor({true, true}));
        QVERIFY(!roc.defined);
    }

    void precisionRecallByHand() {
        // Scores 0.9 0.8 0.7 0.6 for positive, negative, positive, negative: thresholds give
        // (R 0.5, P 1), (0.5, 0.5), (1, 2/3), (1, 0.5); AP = 0.5 * 1 + 0.5 * 2/3.
        const PrCurve pr = prCurve(torch::tensor({0.9, 0.8, 0.7, 0.6}, torch::kFloat64),
                                   torch::tensor({true, false, true, false}));
        QVERIFY(pr.defined);
        QVERIFY(near(pr.averagePrecision, 0.5 + 1.0 / 3.0));
        QCOMPARE(pr.recall, (std::vector<double>{0, 0.5, 0.5, 1, 1}));
        QCOMPARE(pr.precision.front(), 1.0);
        QVERIFY(near(pr.precision[3], 2.0 / 3.0));
        // Tied scores cross the threshold together: one point (R 0.5, P 0.5), then (1, 2/3).
        const PrCurve tied = prCurve(torch::tensor({0.5, 0.5, 0.1}, torch::kFloat64),
                                     torch::tensor({true, false, true}));
        QCOMPARE(tied.recall.size(), size_t(3));
        QVERIFY(near(tied.averagePrecision, 0.5 * 0.5 + 0.5 * 2.0 / 3.0));
        QVERIFY(!prCurve(torch::tensor({0.1, 0.2}), torch::tensor({false, false})).defined);
    }

    void curvesRankByProbabilityNotByLogit() {
        // Logits [2, 0] (class 0, p0 = 0.88) and [3, 3] (class 1, p0 = 0.5): the raw logit
        // column puts the negative first, the probability puts the positive first.
        const auto logits = torch::tensor({2.0, 0.0, 3.0, 3.0}, torch::kFloat64).view({2, 2});
        const auto targets = torch::tensor({0, 1}, torch::kInt64);
        const ClassificationReport r = classificationReport(logits, targets, 2, 1);
        QVERIFY(near(r.roc[0].auc, 1.0));
        QVERIFY(near(r.pr[0].averagePrecision, 1.0));
        QVERIFY(near(r.macroAp, (1.0 + 1.0) / 2.0));
        // One sigmoid per class (bce): each column ranks on its own.
        const ClassificationReport s =
            classificationReport(logits, targets, 2, 1, OutputActivation::Sigmoid);
        QVERIFY(near(s.roc[0].auc, 0.0));
        const auto logP = classLogProbabilities(logits, OutputActivation::Softmax);
        QVERIFY(near(std::exp(logP[0][0].item<double>()), std::exp(2.0) / (std::exp(2.0) + 1)));
    }

    void regressionByHand() {
        const RegressionReport r =
            regressionReport(torch::tensor({1.0, 2.0, 3.0}), torch::tensor({1.0, 2.0, 4.0}));
        QVERIFY(near(r.mse, 1.0 / 3.0));
        QVERIFY(near(r.mae, 1.0 / 3.0));
        QVERIFY(near(r.r2, 1.0 - 1.0 / (42.0 / 9.0)));
    }

    void artifactsCarryClassNames() {
        const auto scores = torch::eye(3, torch::kFloat64);
        const ClassificationReport r =
            classificationReport(scores, torch::tensor({0, 1, 2}, torch::kInt64), 3);
        const QStringList names = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        const QJsonObject confusion = confusionMatrixJson(r, names);
        QCOMPARE(confusion.value(QStringLiteral("classes")).toArray().size(), 3);
        QCOMPARE(confusion.value(QStringLiteral("matrix")).toArray()[1].toArray()[1].toInt(), 1);
        const QJsonObject roc = rocJson(r, names, 101);
        QCOMPARE(roc.value(QStringLiteral("curves")).toArray().size(), 3);
        QCOMPARE(roc.value(QStringLiteral("macro_auc")).toDouble(), 1.0);
        const QJsonObject pr = prJson(r, names, 101);
        QCOMPARE(pr.value(QStringLiteral("curves")).toArray().size(), 3);
        QCOMPARE(pr.value(QStringLiteral("macro_ap")).toDouble(), 1.0);
        QCOMPARE(pr[QStringLiteral("curves")][1][QStringLiteral("class")].toString(),
                 QStringLiteral("b"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
