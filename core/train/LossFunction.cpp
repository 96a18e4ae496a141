#include "train/LossFunction.h"

#include "base/Errors.h"

#include <torch/nn/functional/loss.h>

namespace trainlab {

namespace F = torch::nn::functional;

LossSpec resolvedLoss(const LossSpec& spec, TaskKind task) {
    LossSpec loss = spec;
    if (loss.type.isEmpty())
        loss.type =
            task == TaskKind::Regression ? QStringLiteral("mse") : QStringLiteral("cross_entropy");
    return loss;
}

LossFunction::LossFunction(const LossSpec& spec, TaskKind task, torch::Tensor classWeights)
    : spec_(spec)
    , task_(task)
    , classWeights_(std::move(classWeights)) {
    const bool classification =
        spec.type == QLatin1String("cross_entropy") || spec.type == QLatin1String("bce");
    if (classification && task != TaskKind::Classification)
        throw InputError(QStringLiteral("training.loss.type: %1 needs class labels, but the "
                                        "dataset is a regression task (use mse, l1 or huber)")
                             .arg(spec.type));
    if (!classification && task == TaskKind::Classification)
        throw InputError(QStringLiteral("training.loss.type: %1 needs numeric targets, but the "
                                        "dataset is a classification task (use cross_entropy or "
                                        "bce)")
                             .arg(spec.type));
}

torch::Tensor LossFunction::operator()(const torch::Tensor& outputs,
                                       const torch::Tensor& targets) const {
    return compute(outputs, targets, true);
}

torch::Tensor LossFunction::evaluationLoss(const torch::Tensor& outputs,
                                           const torch::Tensor& targets) const {
    return compute(outputs, targets, false);
}

torch::Tensor LossFunction::compute(const torch::Tensor& outputs, const torch::Tensor& targets,
                                    bool training) const {
    const QString& type = spec_.type;
    if (type == QLatin1String("cross_entropy")) {
        auto options = F::CrossEntropyFuncOptions();
        if (training) {
            options.label_smoothing(spec_.labelSmoothing);
            if (classWeights_.defined())
                options.weight(classWeights_.to(outputs.device()));
        }
        return F::cross_entropy(outputs, targets, options);
    }
    if (type == QLatin1String("bce")) {
        const auto onehot = F::one_hot(targets, outputs.size(1)).to(outputs.scalar_type());
        auto options = F::BinaryCrossEntropyWithLogitsFuncOptions();
        if (training && classWeights_.defined())
            options.weight(classWeights_.to(outputs.device()).view({1, -1}));
        return F::binary_cross_entropy_with_logits(outputs, onehot, options);
    }
    const auto values = outputs.view({-1});
    const auto wanted = targets.to(values.scalar_type());
    if (type == QLatin1String("l1"))
        return F::l1_loss(values, wanted);
    if (type == QLatin1String("huber"))
        return F::huber_loss(values, wanted);
    return F::mse_loss(values, wanted);
}

} // namespace trainlab
