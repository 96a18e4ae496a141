#include "train/OptimizerFactory.h"

#include "base/Errors.h"

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

namespace trainlab {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSpec& spec,
                                                       std::vector<torch::Tensor> parameters) {
    const QString& type = spec.type;
    if (type == QLatin1String("sgd"))
        return std::make_unique<torch::optim::SGD>(std::move(parameters),
                                                   torch::optim::SGDOptions(spec.lr)
                                                       .momentum(spec.momentum)
                                                       .nesterov(spec.nesterov)
                                                       .weight_decay(spec.weightDecay));
    if (type == QLatin1String("adam"))
        return std::make_unique<torch::optim::Adam>(std::move(parameters),
                                                    torch::optim::AdamOptions(spec.lr)
                                                        .betas({spec.beta1, spec.beta2})
                                                        .eps(spec.eps)
                                                        .weight_decay(spec.weightDecay));
    if (type == QLatin1String("adamw"))
        return std::make_unique<torch::optim::AdamW>(std::move(parameters),
                                                     torch::optim::AdamWOptions(spec.lr)
                                                         .betas({spec.beta1, spec.beta2})
                                                         .eps(spec.eps)
                                                         .weight_decay(spec.weightDecay));
    if (type == QLatin1String("rmsprop"))
        return std::make_unique<torch::optim::RMSprop>(std::move(parameters),
                                                       torch::optim::RMSpropOptions(spec.lr)
                                                           .momentum(spec.momentum)
                                                           .eps(spec.eps)
                                                           .weight_decay(spec.weightDecay));
    if (type == QLatin1String("adagrad"))
        return std::make_unique<torch::optim::Adagrad>(
            std::move(parameters),
            torch::optim::AdagradOptions(spec.lr).eps(spec.eps).weight_decay(spec.weightDecay));
    throw InputError(QStringLiteral("training.optimizer.type: unknown optimizer '%1'").arg(type));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups())
        group.options().set_lr(lr);
}

} // namespace trainlab
