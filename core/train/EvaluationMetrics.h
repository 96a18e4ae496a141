#pragma once

#include <QJsonObject>
#include <torch/types.h>
#include <vector>

namespace trainlab {

struct RocCurve {
    std::vector<double> fpr; ///< false positive rate, from 0 to 1
    std::vector<double> tpr; ///< true positive rate, from 0 to 1
    double auc = 0;
    bool defined = false; ///< false when the class has no positives or no negatives
};

/// Classification scores of predictions against labels.
struct ClassificationReport {
    double accuracy = 0;
    double topK = 0; ///< top-k accuracy (k = topKUsed)
    int topKUsed = 0;
    double macroPrecision = 0, macroRecall = 0, macroF1 = 0;
    double weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0;
    double macroAuc = 0;     ///< mean one-vs-rest ROC-AUC over classes where it is defined
    torch::Tensor confusion; ///< [true class, predicted class] counts, int64
    std::vector<double> precision, recall, f1;
    std::vector<int64_t> support;
    std::vector<RocCurve> roc;
};

/// `scores` [N, K] (logits or probabilities: only their order within a column matters for ROC),
/// `targets` [N] class indices. Classes with no predictions get precision 0, as scikit-learn's
/// zero_division=0.
ClassificationReport classificationReport(const torch::Tensor& scores, const torch::Tensor& targets,
                                          int64_t numClasses, int topK = 5);

/// One-vs-rest ROC of `scores` for positives `positive` (bool [N]); tied scores form one step.
RocCurve rocCurve(const torch::Tensor& scores, const torch::Tensor& positive);

struct RegressionReport {
    double mse = 0;
    double mae = 0;
    double r2 = 0; ///< 1 - SS_res / SS_tot (0 when the targets are constant)
};

RegressionReport regressionReport(const torch::Tensor& predictions, const torch::Tensor& targets);

/// Artifacts for storage: the confusion matrix with class names, and ROC curves reduced to at
/// most `maxPoints` points each.
QJsonObject confusionMatrixJson(const ClassificationReport& report, const QStringList& classNames);
QJsonObject rocJson(const ClassificationReport& report, const QStringList& classNames,
                    int maxPoints = 101);
QJsonObject classificationReportJson(const ClassificationReport& report,
                                     const QStringList& classNames);

} // namespace trainlab
