#pragma once

#include <QJsonObject>
#include <torch/types.h>
#include <vector>

namespace trainlab {

/// How a classifier's outputs become class probabilities: softmax over the classes
/// (cross_entropy) or a sigmoid per class (bce, one-vs-rest).
enum class OutputActivation { Invalid, Softmax, Sigmoid };

struct RocCurve {
    std::vector<double> fpr; ///< false positive rate, from 0 to 1
    std::vector<double> tpr; ///< true positive rate, from 0 to 1
    double auc = 0;
    bool defined = false; ///< false when the class has no positives or no negatives
};

/// One-vs-rest precision against recall, one point per distinct score, from (recall 0,
/// precision 1) on, as scikit-learn's precision_recall_curve draws it.
struct PrCurve {
    std::vector<double> recall;
    std::vector<double> precision;
    /// Average precision: the sum over thresholds of (R_n - R_{n-1}) * P_n, no interpolation
    /// (scikit-learn's average_precision_score).
    double averagePrecision = 0;
    bool defined = false; ///< false when the class has no positives
};

/// Classification scores of predictions against labels.
struct ClassificationReport {
    double accuracy = 0;
    double topK = 0; ///< top-k accuracy (k = topKUsed)
    int topKUsed = 0;
    double macroPrecision = 0, macroRecall = 0, macroF1 = 0;
    double weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0;
    double macroAuc = 0;     ///< mean one-vs-rest ROC-AUC over classes where it is defined
    double macroAp = 0;      ///< mean average precision over classes where it is defined
    torch::Tensor confusion; ///< [true class, predicted class] counts, int64
    std::vector<double> precision, recall, f1;
    std::vector<int64_t> support;
    std::vector<RocCurve> roc;
    std::vector<PrCurve> pr;
};

/// The log of each class's probability, float64 [N, K], from logits `outputs` [N, K]. Curves
/// rank by it: a logit column alone is no score across samples under softmax (each row may
/// shift by a constant), and float32 probabilities of confident predictions tie at 1.
torch::Tensor classLogProbabilities(const torch::Tensor& outputs, OutputActivation activation);

/// `outputs` [N, K] logits, `targets` [N] class indices. Predictions are the arg-max; ROC and
/// precision-recall curves (one-vs-rest) rank samples by their probability of the class under
/// `activation`. Classes with no predictions get precision 0, as scikit-learn's
/// zero_division=0.
ClassificationReport classificationReport(const torch::Tensor& outputs,
                                          const torch::Tensor& targets, int64_t numClasses,
                                          int topK = 5,
                                          OutputActivation activation = OutputActivation::Softmax);

/// One-vs-rest ROC of `scores` for positives `positive` (bool [N]); tied scores form one step.
RocCurve rocCurve(const torch::Tensor& scores, const torch::Tensor& positive);
/// One-vs-rest precision-recall curve of `scores` for positives `positive` (bool [N]); tied
/// scores form one point.
PrCurve prCurve(const torch::Tensor& scores, const torch::Tensor& positive);

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
/// Precision-recall curves (artifact "pr"), each reduced to at most `maxPoints` points.
QJsonObject prJson(const ClassificationReport& report, const QStringList& classNames,
                   int maxPoints = 101);
QJsonObject classificationReportJson(const ClassificationReport& report,
                                     const QStringList& classNames);

} // namespace trainlab
