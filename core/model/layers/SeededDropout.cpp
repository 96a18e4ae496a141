#include "model/layers/SeededDropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/dropout.h>
#include <mutex>

namespace trainlab {

namespace {

uint64_t drawSeed() {
    at::Generator global = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(global.mutex());
    return at::check_generator<at::CPUGeneratorImpl>(global)->random64();
}

std::vector<SeededDropoutImpl*> dropouts(torch::nn::Module& model) {
    std::vector<SeededDropoutImpl*> found;
    for (const auto& module : model.modules(/*include_self=*/true))
        if (auto* dropout = module->as<SeededDropoutImpl>())
            found.push_back(dropout);
    return found;
}

} // namespace

SeededDropoutImpl::SeededDropoutImpl(double p)
    : p(p)
    , generator(at::detail::createCPUGenerator(drawSeed())) {}

torch::Tensor SeededDropoutImpl::forward(const torch::Tensor& x) {
    if (!is_training() || p <= 0)
        return x;
    if (p >= 1)
        return x * 0;
    // On an accelerator the device's own generator serves (a host mask would cost a copy a
    // step); runs in one process rarely share one device.
    if (!x.is_cpu())
        return at::dropout(x, p, /*train=*/true);
    // The mask is drawn on the CPU from this module's generator, then moved to x's device.
    at::Tensor keep = at::empty(x.sizes(), x.options().device(at::kCPU).dtype(at::kFloat));
    keep.bernoulli_(1.0 - p, generator); // takes the generator's lock itself
    return x * keep.to(x.options()) / (1.0 - p);
}

std::vector<at::Tensor> dropoutGeneratorStates(torch::nn::Module& model) {
    std::vector<at::Tensor> states;
    for (SeededDropoutImpl* dropout : dropouts(model)) {
        std::lock_guard<std::mutex> lock(dropout->generator.mutex());
        states.push_back(dropout->generator.get_state());
    }
    return states;
}

bool setDropoutGeneratorStates(torch::nn::Module& model, const std::vector<at::Tensor>& states) {
    const std::vector<SeededDropoutImpl*> found = dropouts(model);
    if (found.size() != states.size())
        return false;
    for (size_t i = 0; i < found.size(); ++i) {
        std::lock_guard<std::mutex> lock(found[i]->generator.mutex());
        found[i]->generator.set_state(states[i]);
    }
    return true;
}

} // namespace trainlab
