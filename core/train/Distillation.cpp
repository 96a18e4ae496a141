#include "train/Distillation.h"

#include "base/Errors.h"
#include "model/ModelBuilder.h"
#include "model/Shape.h"
#include "train/Checkpoint.h"

#include <QLocale>
#include <torch/types.h>
#include <torch/utils.h>

namespace trainlab {

namespace {

/// Normalization statistics as a tensor shaped to broadcast over a batch: [C, 1, 1] for
/// images, [F] for tables; `fill` where the run did not normalize.
torch::Tensor statistics(const std::vector<double>& values, int64_t count, bool images,
                         double fill) {
    const std::vector<int64_t> shape =
        images ? std::vector<int64_t>{count, 1, 1} : std::vector<int64_t>{count};
    if (values.empty())
        return torch::full(shape, fill, torch::kDouble);
    return torch::tensor(values, torch::kDouble).view(shape);
}

std::vector<double> valuesOf(const torch::Tensor& t) {
    if (!t.defined())
        return {};
    const torch::Tensor flat = t.to(torch::kDouble).contiguous().view({-1});
    return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

} // namespace

torch::Tensor distillationLoss(const torch::Tensor& hard, const torch::Tensor& studentLogits,
                               const torch::Tensor& teacherLogits, double temperature,
                               double weight) {
    // In float even under autocast: a bf16 softmax of near-equal logits loses the small
    // differences the soft targets are made of.
    const auto logStudent = torch::log_softmax(studentLogits.to(torch::kFloat) / temperature, 1);
    const auto logTeacher = torch::log_softmax(teacherLogits.to(torch::kFloat) / temperature, 1);
    const auto divergence = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean();
    const auto soft = divergence * (temperature * temperature);
    return hard.to(torch::kFloat) * (1.0 - weight) + soft * weight;
}

Distillation::Distillation(const TeacherModel& teacher, const DistillSpec& spec,
                           const DatasetSplits& data, const torch::Device& device)
    : spec_(spec)
    , source_(teacher.source) {
    const QString field = QStringLiteral("training.distill.teacher");
    if (data.task != TaskKind::Classification)
        throw InputError(QStringLiteral("training.distill: distillation needs class labels; "
                                        "this dataset is a regression task"));
    if (teacher.classNames.isEmpty())
        throw InputError(QStringLiteral("%1: %2 is a regression run; a teacher must predict "
                                        "classes")
                             .arg(field, source_));
    if (teacher.inputShape != data.sampleShape)
        throw InputError(
            QStringLiteral("%1: %2 takes inputs of shape %3, this dataset's are %4")
                .arg(field, source_, shapeText(teacher.inputShape), shapeText(data.sampleShape)));
    if (teacher.classNames.size() != data.numClasses ||
        (!data.classNames.isEmpty() && teacher.classNames != data.classNames))
        throw InputError(QStringLiteral("%1: %2 predicts the classes %3, this dataset has %4")
                             .arg(field, source_, teacher.classNames.join(QStringLiteral(", ")),
                                  data.classNames.isEmpty()
                                      ? QString::number(data.numClasses)
                                      : data.classNames.join(QStringLiteral(", "))));
    // Seeded like any run's model so that building it does not draw from the generator other
    // runs of this process build theirs from; its weights are then replaced.
    teacher_ = buildSeededModel(teacher.model, teacher.inputShape, data.numClasses, 0).net;
    loadWeights(teacher.weightsPath, teacher_);
    teacher_->to(device);
    teacher_->eval();
    for (const auto& p : teacher_->parameters()) {
        p.set_requires_grad(false);
        teacherParameters_ += p.numel();
    }

    // Student inputs are (x - m_s) / s_s; the teacher wants (x - m_t) / s_t of the same x.
    const int64_t count = data.sampleShape.empty() ? 1 : data.sampleShape.front();
    const torch::Tensor studentMean =
        statistics(valuesOf(data.normalization.mean), count, data.images, 0.0);
    const torch::Tensor studentStd =
        statistics(valuesOf(data.normalization.std), count, data.images, 1.0);
    const torch::Tensor teacherMean = statistics(teacher.mean, count, data.images, 0.0);
    const torch::Tensor teacherStd = statistics(teacher.std, count, data.images, 1.0);
    if (teacherMean.numel() != count || teacherStd.numel() != count)
        throw InputError(QStringLiteral("%1: %2's normalization has %3 values, this dataset's "
                                        "inputs %4 channels or features")
                             .arg(field, source_)
                             .arg(teacherMean.numel())
                             .arg(count));
    const torch::Tensor scale = studentStd / teacherStd;
    const torch::Tensor shift = (studentMean - teacherMean) / teacherStd;
    if (!torch::allclose(scale, torch::ones_like(scale), 1e-6, 1e-7) ||
        !torch::allclose(shift, torch::zeros_like(shift), 1e-6, 1e-7)) {
        scale_ = scale.to(device, torch::kFloat);
        shift_ = shift.to(device, torch::kFloat);
    }
}

torch::Tensor Distillation::teacherLogits(const torch::Tensor& inputs) {
    torch::NoGradGuard noGrad;
    return teacher_->forward(scale_.defined() ? inputs * scale_ + shift_ : inputs);
}

torch::Tensor Distillation::loss(const torch::Tensor& hard, const torch::Tensor& inputs,
                                 const torch::Tensor& studentLogits) {
    return distillationLoss(hard, studentLogits, teacherLogits(inputs), spec_.temperature,
                            spec_.weight);
}

QJsonObject Distillation::report() const {
    return {{QStringLiteral("teacher"), source_},
            {QStringLiteral("teacher_parameters"), qint64(teacherParameters_)},
            {QStringLiteral("temperature"), spec_.temperature},
            {QStringLiteral("weight"), spec_.weight},
            {QStringLiteral("inputs_renormalized"), scale_.defined()}};
}

QString Distillation::summary() const {
    return QStringLiteral("distillation: teacher %1 (%2 parameters), temperature %3, soft-loss "
                          "weight %4%5")
        .arg(source_, QLocale::c().toString(qint64(teacherParameters_)))
        .arg(spec_.temperature)
        .arg(spec_.weight)
        .arg(scale_.defined() ? QStringLiteral("; inputs renormalized to the teacher's")
                              : QString());
}

} // namespace trainlab
