#include "train/EvaluationMetrics.h"

#include <QJsonArray>
#include <QStringList>
#include <numeric>

namespace trainlab {

namespace {

double safeDivide(double a, double b) {
    return b > 0 ? a / b : 0.0;
}

/// True and false positives above each distinct score, highest score first.
struct RankedCounts {
    std::vector<int64_t> truePositives;
    std::vector<int64_t> falsePositives;
    int64_t positives = 0;
    int64_t negatives = 0;
};

RankedCounts rankedCounts(const torch::Tensor& scores, const torch::Tensor& positive) {
    RankedCounts counts;
    const auto s = scores.to(torch::kFloat64).contiguous();
    const auto p = positive.to(torch::kBool).contiguous();
    const int64_t n = s.numel();
    counts.positives = p.sum().item<int64_t>();
    counts.negatives = n - counts.positives;
    const auto order = std::get<1>(s.sort(/*stable=*/true, 0, /*descending=*/true));
    const double* sp = s.data_ptr<double>();
    const bool* pp = p.data_ptr<bool>();
    const int64_t* op = order.data_ptr<int64_t>();
    int64_t tp = 0;
    int64_t fp = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t idx = op[i];
        (pp[idx] ? tp : fp) += 1;
        // A point only where the score changes: tied samples cross the threshold together.
        if (i + 1 == n || sp[op[i + 1]] != sp[idx]) {
            counts.truePositives.push_back(tp);
            counts.falsePositives.push_back(fp);
        }
    }
    return counts;
}

/// At most `maxPoints` of a curve's points, evenly strided, its last point always kept.
QJsonArray reducedPoints(const std::vector<double>& values, int maxPoints) {
    QJsonArray out;
    const size_t n = values.size();
    if (n == 0)
        return out;
    const size_t step = std::max<size_t>(1, (n + size_t(maxPoints) - 1) / size_t(maxPoints));
    for (size_t i = 0; i < n; i += step)
        out.append(values[i]);
    if ((n - 1) % step != 0)
        out.append(values.back());
    return out;
}

} // namespace

RocCurve rocCurve(const torch::Tensor& scores, const torch::Tensor& positive) {
    RocCurve curve;
    const RankedCounts counts = rankedCounts(scores, positive);
    if (counts.positives == 0 || counts.negatives == 0)
        return curve;
    curve.fpr.push_back(0);
    curve.tpr.push_back(0);
    for (size_t i = 0; i < counts.truePositives.size(); ++i) {
        curve.fpr.push_back(double(counts.falsePositives[i]) / double(counts.negatives));
        curve.tpr.push_back(double(counts.truePositives[i]) / double(counts.positives));
    }
    for (size_t i = 1; i < curve.fpr.size(); ++i)
        curve.auc += (curve.fpr[i] - curve.fpr[i - 1]) * (curve.tpr[i] + curve.tpr[i - 1]) / 2.0;
    curve.defined = true;
    return curve;
}

PrCurve prCurve(const torch::Tensor& scores, const torch::Tensor& positive) {
    PrCurve curve;
    const RankedCounts counts = rankedCounts(scores, positive);
    if (counts.positives == 0)
        return curve;
    curve.recall.push_back(0);
    curve.precision.push_back(1);
    double previousRecall = 0;
    for (size_t i = 0; i < counts.truePositives.size(); ++i) {
        const auto tp = double(counts.truePositives[i]);
        const double recall = tp / double(counts.positives);
        const double precision = tp / (tp + double(counts.falsePositives[i]));
        curve.averagePrecision += (recall - previousRecall) * precision;
        previousRecall = recall;
        curve.recall.push_back(recall);
        curve.precision.push_back(precision);
    }
    curve.defined = true;
    return curve;
}

torch::Tensor classLogProbabilities(const torch::Tensor& outputs, OutputActivation activation) {
    const auto logits = outputs.to(torch::kFloat64);
    if (activation == OutputActivation::Sigmoid)
        return -torch::softplus(-logits); // log(sigmoid(x)), exact far into both tails
    return torch::log_softmax(logits, 1);
}

ClassificationReport classificationReport(const torch::Tensor& outputs,
                                          const torch::Tensor& targets, int64_t numClasses,
                                          int topK, OutputActivation activation) {
    ClassificationReport r;
    const int64_t n = targets.size(0);
    const auto scores = classLogProbabilities(outputs, activation);
    const auto predicted = outputs.argmax(1);
    r.accuracy = n > 0 ? predicted.eq(targets).sum().item<double>() / double(n) : 0.0;
    r.topKUsed = int(std::min<int64_t>(topK, numClasses));
    if (n > 0) {
        const auto top = std::get<1>(scores.topk(r.topKUsed, 1));
        r.topK = top.eq(targets.unsqueeze(1)).any(1).sum().item<double>() / double(n);
    }
    r.confusion = torch::bincount(targets * numClasses + predicted, {}, numClasses * numClasses)
                      .view({numClasses, numClasses});
    const auto c = r.confusion.to(torch::kFloat64);
    const auto truePositive = c.diag();
    const auto predictedCount = c.sum(0);
    const auto actualCount = c.sum(1);
    double supportedClasses = 0;
    for (int64_t k = 0; k < numClasses; ++k) {
        const double tp = truePositive[k].item<double>();
        const double precision = safeDivide(tp, predictedCount[k].item<double>());
        const double recall = safeDivide(tp, actualCount[k].item<double>());
        const double f1 = safeDivide(2 * precision * recall, precision + recall);
        const auto support = int64_t(actualCount[k].item<double>());
        r.precision.push_back(precision);
        r.recall.push_back(recall);
        r.f1.push_back(f1);
        r.support.push_back(support);
        r.macroPrecision += precision;
        r.macroRecall += recall;
        r.macroF1 += f1;
        r.weightedPrecision += precision * double(support);
        r.weightedRecall += recall * double(support);
        r.weightedF1 += f1 * double(support);
        supportedClasses += 1;
    }
    r.macroPrecision = safeDivide(r.macroPrecision, supportedClasses);
    r.macroRecall = safeDivide(r.macroRecall, supportedClasses);
    r.macroF1 = safeDivide(r.macroF1, supportedClasses);
    r.weightedPrecision = safeDivide(r.weightedPrecision, double(n));
    r.weightedRecall = safeDivide(r.weightedRecall, double(n));
    r.weightedF1 = safeDivide(r.weightedF1, double(n));
    int rocDefined = 0;
    int prDefined = 0;
    for (int64_t k = 0; k < numClasses; ++k) {
        const auto column = scores.select(1, k);
        const auto positive = targets.eq(k);
        r.roc.push_back(rocCurve(column, positive));
        if (r.roc.back().defined) {
            r.macroAuc += r.roc.back().auc;
            ++rocDefined;
        }
        r.pr.push_back(prCurve(column, positive));
        if (r.pr.back().defined) {
            r.macroAp += r.pr.back().averagePrecision;
            ++prDefined;
        }
    }
    r.macroAuc = safeDivide(r.macroAuc, double(rocDefined));
    r.macroAp = safeDivide(r.macroAp, double(prDefined));
    return r;
}

RegressionReport regressionReport(const torch::Tensor& predictions, const torch::Tensor& targets) {
    RegressionReport r;
    const auto y = targets.to(torch::kFloat64).view({-1});
    const auto p = predictions.to(torch::kFloat64).view({-1});
    if (y.numel() == 0)
        return r;
    const auto residual = p - y;
    r.mse = residual.pow(2).mean().item<double>();
    r.mae = residual.abs().mean().item<double>();
    const double total = (y - y.mean()).pow(2).sum().item<double>();
    r.r2 = total > 0 ? 1.0 - residual.pow(2).sum().item<double>() / total : 0.0;
    return r;
}

QJsonObject confusionMatrixJson(const ClassificationReport& report, const QStringList& classNames) {
    QJsonArray rows;
    const auto c = report.confusion.contiguous();
    for (int64_t i = 0; i < c.size(0); ++i) {
        QJsonArray row;
        for (int64_t j = 0; j < c.size(1); ++j)
            row.append(qint64(c[i][j].item<int64_t>()));
        rows.append(row);
    }
    return {{QStringLiteral("classes"), QJsonArray::fromStringList(classNames)},
            {QStringLiteral("matrix"), rows},
            {QStringLiteral("rows"), QStringLiteral("true class")},
            {QStringLiteral("columns"), QStringLiteral("predicted class")}};
}

QJsonObject rocJson(const ClassificationReport& report, const QStringList& classNames,
                    int maxPoints) {
    QJsonArray curves;
    for (size_t k = 0; k < report.roc.size(); ++k) {
        const RocCurve& roc = report.roc[k];
        if (roc.defined)
            curves.append(QJsonObject{{QStringLiteral("class"), classNames.value(qsizetype(k))},
                                      {QStringLiteral("auc"), roc.auc},
                                      {QStringLiteral("fpr"), reducedPoints(roc.fpr, maxPoints)},
                                      {QStringLiteral("tpr"), reducedPoints(roc.tpr, maxPoints)}});
    }
    return {{QStringLiteral("macro_auc"), report.macroAuc}, {QStringLiteral("curves"), curves}};
}

QJsonObject prJson(const ClassificationReport& report, const QStringList& classNames,
                   int maxPoints) {
    QJsonArray curves;
    for (size_t k = 0; k < report.pr.size(); ++k) {
        const PrCurve& pr = report.pr[k];
        if (pr.defined)
            curves.append(
                QJsonObject{{QStringLiteral("class"), classNames.value(qsizetype(k))},
                            {QStringLiteral("ap"), pr.averagePrecision},
                            {QStringLiteral("recall"), reducedPoints(pr.recall, maxPoints)},
                            {QStringLiteral("precision"), reducedPoints(pr.precision, maxPoints)}});
    }
    return {{QStringLiteral("macro_ap"), report.macroAp}, {QStringLiteral("curves"), curves}};
}

QJsonObject classificationReportJson(const ClassificationReport& report,
                                     const QStringList& classNames) {
    QJsonArray perClass;
    for (size_t k = 0; k < report.precision.size(); ++k)
        perClass.append(QJsonObject{{QStringLiteral("class"), classNames.value(qsizetype(k))},
                                    {QStringLiteral("precision"), report.precision[k]},
                                    {QStringLiteral("recall"), report.recall[k]},
                                    {QStringLiteral("f1"), report.f1[k]},
                                    {QStringLiteral("support"), qint64(report.support[k])}});
    return {
        {QStringLiteral("accuracy"), report.accuracy},
        {QStringLiteral("top_k"), report.topKUsed},
        {QStringLiteral("top_k_accuracy"), report.topK},
        {QStringLiteral("macro"), QJsonObject{{QStringLiteral("precision"), report.macroPrecision},
                                              {QStringLiteral("recall"), report.macroRecall},
                                              {QStringLiteral("f1"), report.macroF1}}},
        {QStringLiteral("weighted"),
         QJsonObject{{QStringLiteral("precision"), report.weightedPrecision},
                     {QStringLiteral("recall"), report.weightedRecall},
                     {QStringLiteral("f1"), report.weightedF1}}},
        {QStringLiteral("per_class"), perClass}};
}

} // namespace trainlab
