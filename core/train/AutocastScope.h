#pragma once

#include <ATen/autocast_mode.h>
#include <QString>
#include <c10/core/Device.h>

namespace trainlab {

/// Mixed precision for a forward pass: bf16 or fp16 autocast on the run's device; fp32 is a
/// no-op. Restores the previous state so nothing leaks into evaluation or other code.
class AutocastScope {
public:
    AutocastScope(const c10::Device& device, const QString& precision)
        : cuda_(device.is_cuda())
        , active_(precision != QLatin1String("fp32")) {
        if (!active_)
            return;
        const auto dtype = precision == QLatin1String("fp16") ? at::kHalf : at::kBFloat16;
        if (cuda_) {
            previous_ = at::autocast::is_enabled();
            at::autocast::set_autocast_gpu_dtype(dtype);
            at::autocast::set_enabled(true);
        } else {
            previous_ = at::autocast::is_cpu_enabled();
            at::autocast::set_autocast_cpu_dtype(dtype);
            at::autocast::set_cpu_enabled(true);
        }
    }
    ~AutocastScope() {
        if (!active_)
            return;
        if (cuda_)
            at::autocast::set_enabled(previous_);
        else
            at::autocast::set_cpu_enabled(previous_);
        at::autocast::clear_cache();
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool cuda_;
    bool active_;
    bool previous_ = false;
};

} // namespace trainlab
