#include "train/Pruning.h"

#include <QJsonArray>
#include <cmath>

namespace trainlab {

namespace {

bool isPrunable(const std::string& name, const torch::Tensor& parameter) {
    const size_t dot = name.rfind('.');
    const std::string leaf = dot == std::string::npos ? name : name.substr(dot + 1);
    return parameter.dim() >= 2 && leaf.rfind("weight", 0) == 0;
}

// The `count` smallest entries of `scores` as a 0/1 keep mask (1: kept). topk rather than a
// threshold: ties at the threshold (zeros, quantized values) would otherwise prune more than
// asked.
torch::Tensor keepMask(const torch::Tensor& scores, int64_t count) {
    auto mask = torch::ones({scores.numel()}, scores.options());
    if (count > 0) {
        const auto smallest = std::get<1>(torch::topk(scores.flatten(), count, 0, false, false));
        mask.index_fill_(0, smallest, 0.0);
    }
    return mask;
}

// A weight's magnitude, with weights pruned before ranked below every other (-1), so they stay
// pruned whatever the new threshold.
torch::Tensor pruningScores(const torch::Tensor& weight, const torch::Tensor& mask) {
    auto scores = weight.detach().abs().to(torch::kFloat32);
    if (mask.defined())
        scores = torch::where(mask.to(torch::kBool), scores, torch::full_like(scores, -1.0F));
    return scores;
}

} // namespace

double scheduledSparsity(const PruningSpec& spec, int epochsDone, int totalEpochs) {
    if (!spec.enabled())
        return 0;
    const int prunedBy = totalEpochs - spec.fineTuneEpochs; // epochs done when the target holds
    if (spec.schedule != QLatin1String("gradual"))
        return epochsDone >= prunedBy ? spec.sparsity : 0.0;
    if (epochsDone <= spec.startEpoch)
        return 0;
    const double span = double(std::max(1, prunedBy - spec.startEpoch));
    const double progress = std::min(1.0, double(epochsDone - spec.startEpoch) / span);
    return spec.sparsity * (1.0 - std::pow(1.0 - progress, 3.0));
}

MagnitudePruning::MagnitudePruning(torch::nn::Sequential& model, PruningSpec spec)
    : spec_(std::move(spec)) {
    for (const auto& named : model->named_parameters(/*recurse=*/true)) {
        if (!isPrunable(named.key(), named.value()))
            continue;
        targets_.push_back({named.key(), named.value(), {}});
        total_ += named.value().numel();
    }
}

void MagnitudePruning::pruneTo(double sparsity) {
    if (targets_.empty() || sparsity <= 0)
        return;
    torch::NoGradGuard noGrad;
    if (spec_.scope == QLatin1String("layer"))
        pruneEachTensor(sparsity);
    else
        pruneGlobally(sparsity);
    applyMasks();
}

void MagnitudePruning::pruneGlobally(double sparsity) {
    std::vector<torch::Tensor> scores;
    for (const Target& t : targets_)
        scores.push_back(pruningScores(t.weight, t.mask).flatten().cpu());
    const auto count = int64_t(std::llround(sparsity * double(total_)));
    const auto keep = keepMask(torch::cat(scores), count);
    int64_t offset = 0;
    for (Target& t : targets_) {
        const int64_t n = t.weight.numel();
        t.mask = keep.slice(0, offset, offset + n)
                     .view(t.weight.sizes())
                     .to(t.weight.device(), t.weight.scalar_type());
        offset += n;
    }
}

void MagnitudePruning::pruneEachTensor(double sparsity) {
    for (Target& t : targets_) {
        const auto count = int64_t(std::llround(sparsity * double(t.weight.numel())));
        t.mask = keepMask(pruningScores(t.weight, t.mask), count)
                     .view(t.weight.sizes())
                     .to(t.weight.scalar_type());
    }
}

void MagnitudePruning::applyMasks() {
    torch::NoGradGuard noGrad;
    for (Target& t : targets_) {
        if (t.mask.defined())
            t.weight.mul_(t.mask);
    }
}

void MagnitudePruning::masksFromWeights() {
    torch::NoGradGuard noGrad;
    for (Target& t : targets_)
        t.mask = (t.weight != 0).to(t.weight.scalar_type());
}

double MagnitudePruning::sparsity() const {
    if (total_ == 0)
        return 0;
    int64_t zeros = 0;
    for (const Target& t : targets_)
        zeros += (t.weight == 0).sum().item<int64_t>();
    return double(zeros) / double(total_);
}

QJsonObject MagnitudePruning::report() const {
    QJsonArray layers;
    for (const Target& t : targets_) {
        const int64_t zeros = (t.weight == 0).sum().item<int64_t>();
        layers.append(
            QJsonObject{{QStringLiteral("name"), QString::fromStdString(t.name)},
                        {QStringLiteral("weights"), qint64(t.weight.numel())},
                        {QStringLiteral("sparsity"),
                         double(zeros) / double(std::max<int64_t>(1, t.weight.numel()))}});
    }
    return {{QStringLiteral("target"), spec_.sparsity},
            {QStringLiteral("sparsity"), sparsity()},
            {QStringLiteral("scope"), spec_.scope},
            {QStringLiteral("schedule"), spec_.schedule},
            {QStringLiteral("prunable_weights"), qint64(total_)},
            {QStringLiteral("layers"), layers}};
}

} // namespace trainlab
