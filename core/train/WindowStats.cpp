#include "train/WindowStats.h"

namespace trainlab {

int64_t correctPredictions(const torch::Tensor& outputs, const torch::Tensor& targets) {
    const bool plain = outputs.device().is_cpu() && outputs.dim() == 2 &&
                       outputs.scalar_type() == torch::kFloat32 && outputs.is_contiguous() &&
                       targets.scalar_type() == torch::kInt64 && targets.is_contiguous() &&
                       targets.dim() == 1 && targets.size(0) == outputs.size(0);
    if (!plain)
        return outputs.argmax(1).eq(targets).sum().item<int64_t>();
    // A loop over a few hundred floats: cheaper than four dispatched tensor ops per batch.
    const int64_t rows = outputs.size(0);
    const int64_t classes = outputs.size(1);
    const float* row = outputs.data_ptr<float>();
    const int64_t* target = targets.data_ptr<int64_t>();
    int64_t correct = 0;
    for (int64_t r = 0; r < rows; ++r, row += classes) {
        int64_t best = 0;
        for (int64_t k = 1; k < classes; ++k) {
            if (row[k] > row[best])
                best = k;
        }
        correct += best == target[r];
    }
    return correct;
}

std::optional<double> WindowStats::add(const torch::Tensor& loss, const torch::Tensor& outputs,
                                       const torch::Tensor& targets, bool classification) {
    const int64_t size = targets.size(0);
    read_.samples += size;
    if (onDevice_) {
        const torch::Tensor weighted = loss.detach().to(torch::kFloat64) * double(size);
        lossSum_ = lossSum_.defined() ? lossSum_ + weighted : weighted;
        if (classification) {
            const torch::Tensor hits = outputs.detach().argmax(1).eq(targets).sum();
            correct_ = correct_.defined() ? correct_ + hits : hits;
        }
        return std::nullopt;
    }
    const double value = loss.item<double>();
    read_.lossSum += value * double(size);
    if (classification)
        read_.correct += correctPredictions(outputs, targets);
    return value;
}

WindowStats::Totals WindowStats::take() {
    Totals totals = read_;
    if (lossSum_.defined())
        totals.lossSum += lossSum_.item<double>();
    if (correct_.defined())
        totals.correct += correct_.item<int64_t>();
    read_ = Totals();
    lossSum_ = torch::Tensor();
    correct_ = torch::Tensor();
    return totals;
}

} // namespace trainlab
