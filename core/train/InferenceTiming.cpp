#include "train/InferenceTiming.h"

#include <algorithm>
#include <chrono>
#include <torch/utils.h>

namespace trainlab {

namespace {

double passMs(torch::nn::Sequential& model, const torch::Tensor& input, int repeats) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
        (void)model->forward(input);
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    return elapsed.count() / double(std::max(1, repeats));
}

LatencyFigures summarize(std::vector<double> roundsMs) {
    std::sort(roundsMs.begin(), roundsMs.end());
    const size_t n = roundsMs.size();
    const double median =
        n % 2 == 1 ? roundsMs[n / 2] : 0.5 * (roundsMs[n / 2 - 1] + roundsMs[n / 2]);
    return {median, roundsMs.front(), roundsMs.back()};
}

} // namespace

LatencyComparison compareLatency(torch::nn::Sequential& reference, torch::nn::Sequential& candidate,
                                 const torch::Tensor& input, int threads, int rounds, int repeats) {
    const int previousThreads = torch::get_num_threads();
    torch::set_num_threads(std::max(1, threads));
    torch::NoGradGuard noGrad;
    reference->eval();
    candidate->eval();
    passMs(reference, input, 3); // first passes allocate, pack and warm caches
    passMs(candidate, input, 3);
    std::vector<double> referenceMs;
    std::vector<double> candidateMs;
    for (int r = 0; r < std::max(1, rounds); ++r) {
        if (r % 2 == 0) {
            referenceMs.push_back(passMs(reference, input, repeats));
            candidateMs.push_back(passMs(candidate, input, repeats));
        } else {
            candidateMs.push_back(passMs(candidate, input, repeats));
            referenceMs.push_back(passMs(reference, input, repeats));
        }
    }
    torch::set_num_threads(previousThreads);
    return {summarize(referenceMs), summarize(candidateMs)};
}

} // namespace trainlab
