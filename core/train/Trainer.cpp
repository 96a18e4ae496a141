#include "train/Trainer.h"

#include "data/DatasetBuilder.h"
#include "train/EvaluationMetrics.h"
#include "train/LossFunction.h"
#include "train/TrainingRun.h"

namespace trainlab {

namespace {

constexpr int64_t kEvalBatch = 1024;

} // namespace

Trainer::Trainer(const ExperimentSpec& spec, const DatasetSplits& data, RunControl& control,
                 TrainerCallbacks callbacks, TrainerOptions options)
    : spec_(spec)
    , data_(data)
    , control_(control)
    , callbacks_(std::move(callbacks))
    , options_(std::move(options)) {}

Evaluation Trainer::evaluate(torch::nn::Sequential& model, const LossFunction& loss,
                             const DatasetSplits& data, const TensorDataset& split,
                             const torch::Device& device) {
    torch::NoGradGuard noGrad;
    model->eval();
    Evaluation result;
    double lossSum = 0;
    std::vector<torch::Tensor> outputs;
    const int64_t n = split.size();
    const InputPreparation prepare(data);
    for (int64_t begin = 0; begin < n; begin += kEvalBatch) {
        const int64_t end = std::min(n, begin + kEvalBatch);
        const auto x = prepare(split.features.slice(0, begin, end)).to(device);
        const auto y = split.targets.slice(0, begin, end).to(device);
        const auto out = model->forward(x);
        lossSum += loss.evaluationLoss(out, y).item<double>() * double(end - begin);
        outputs.push_back(out.to(torch::kCPU, torch::kFloat32));
    }
    model->train();
    if (n > 0) {
        result.loss = lossSum / double(n);
        result.outputs = torch::cat(outputs);
        result.targets = split.targets;
    }
    result.activation = loss.activation();
    return result;
}

QStringList Trainer::metricNames(TaskKind task, int64_t numClasses) {
    if (task == TaskKind::Regression)
        return {QStringLiteral("loss"), QStringLiteral("mae"), QStringLiteral("r2")};
    QStringList names = {QStringLiteral("loss"), QStringLiteral("accuracy"),
                         QStringLiteral("macro_f1"), QStringLiteral("macro_auc")};
    if (numClasses > 5)
        names << QStringLiteral("top5_accuracy");
    return names;
}

QMap<QString, double> Trainer::scalarMetrics(const Evaluation& evaluation,
                                             const DatasetSplits& data, const QString& prefix) {
    QMap<QString, double> metrics{{prefix + QStringLiteral("loss"), evaluation.loss}};
    if (!evaluation.outputs.defined())
        return metrics;
    if (data.task == TaskKind::Regression) {
        const RegressionReport r = regressionReport(evaluation.outputs, evaluation.targets);
        metrics.insert(prefix + QStringLiteral("mae"), r.mae);
        metrics.insert(prefix + QStringLiteral("r2"), r.r2);
        return metrics;
    }
    const ClassificationReport r = classificationReport(evaluation.outputs, evaluation.targets,
                                                        data.numClasses, 5, evaluation.activation);
    metrics.insert(prefix + QStringLiteral("accuracy"), r.accuracy);
    metrics.insert(prefix + QStringLiteral("macro_f1"), r.macroF1);
    metrics.insert(prefix + QStringLiteral("macro_auc"), r.macroAuc);
    if (data.numClasses > 5)
        metrics.insert(prefix + QStringLiteral("top5_accuracy"), r.topK);
    return metrics;
}

TrainOutcome Trainer::run() {
    TrainingRun run(spec_, data_, control_, callbacks_, options_);
    return run.execute();
}

} // namespace trainlab
