#pragma once

#include "data/TensorDataset.h"
#include "spec/ExperimentSpec.h"

#include <QJsonObject>
#include <torch/nn/modules/container/sequential.h>
#include <vector>

namespace trainlab {

/// A trained run to distill from, as the workspace resolves it (jobs/RunJob): the network to
/// build, its weights, and what its inputs were.
struct TeacherModel {
    QString source; ///< "run 12 (best)"
    ModelSpec model;
    std::vector<int64_t> inputShape; ///< one sample, without the batch dimension
    QStringList classNames;          ///< empty: a regression run
    /// The teacher's input normalization, per channel (images) or feature (tables); empty: none.
    std::vector<double> mean;
    std::vector<double> std;
    QString weightsPath;
};

/// (1 - weight) x hard + weight x T^2 x KL(softmax(teacher / T) || softmax(student / T)), the
/// divergence averaged over the batch. T^2 keeps the soft gradients' size independent of T, so
/// the weight means the same at every temperature.
torch::Tensor distillationLoss(const torch::Tensor& hard, const torch::Tensor& studentLogits,
                               const torch::Tensor& teacherLogits, double temperature,
                               double weight);

/// The teacher of one run, in eval mode on the run's device, and the loss it adds.
class Distillation {
public:
    /// Builds the teacher and loads its weights. InputError naming training.distill when the
    /// student's data is not a classification task, or the teacher takes other inputs or
    /// predicts other classes than the student's data has.
    Distillation(const TeacherModel& teacher, const DistillSpec& spec, const DatasetSplits& data,
                 const torch::Device& device);

    /// The training loss of one batch: `hard` (the spec's loss on `studentLogits`) mixed with
    /// the soft loss against the teacher's logits for the same `inputs`.
    torch::Tensor loss(const torch::Tensor& hard, const torch::Tensor& inputs,
                       const torch::Tensor& studentLogits);
    /// The teacher's logits for a batch of the student's inputs (normalized as the teacher's
    /// data was, when that differs).
    torch::Tensor teacherLogits(const torch::Tensor& inputs);

    QJsonObject report() const;
    QString summary() const;

private:
    DistillSpec spec_;
    QString source_;
    torch::nn::Sequential teacher_{nullptr};
    int64_t teacherParameters_ = 0;
    /// Student inputs to teacher inputs, x * scale + shift; undefined when they are the same.
    torch::Tensor scale_;
    torch::Tensor shift_;
};

} // namespace trainlab
