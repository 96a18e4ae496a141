#include "sweep/TrialPruner.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace trainlab {

AshaPruner::AshaPruner(double minResource, double reduction, bool maximize)
    : minResource_(minResource)
    , reduction_(std::max(2.0, reduction))
    , maximize_(maximize) {}

double AshaPruner::rungResource(int rung) const {
    return minResource_ * std::pow(reduction_, rung);
}

bool AshaPruner::report(qint64 trial, double resource, double value) {
    int highest = -1;
    for (int rung = 0; rungResource(rung) <= resource + 1e-9; ++rung) {
        auto& members = rungs_[rung];
        if (members.count(trial) == 0) {
            members[trial] = value;
            highest = rung;
        }
    }
    if (highest < 0)
        return false; // no new rung reached: nothing to decide
    const auto& members = rungs_[highest];
    const auto better = std::count_if(members.begin(), members.end(), [&](const auto& entry) {
        return maximize_ ? entry.second > value : entry.second < value;
    });
    const auto promoted =
        std::max<std::ptrdiff_t>(1, std::ptrdiff_t(double(members.size()) / reduction_));
    return better >= promoted;
}

MedianPruner::MedianPruner(double minResource, bool maximize, int minTrials)
    : minResource_(minResource)
    , maximize_(maximize)
    , minTrials_(minTrials) {}

bool MedianPruner::report(qint64 trial, double resource, double value) {
    auto& history = bestSoFar_[trial];
    double best = value;
    if (!history.empty()) {
        const double previous = history.rbegin()->second;
        best = maximize_ ? std::max(previous, value) : std::min(previous, value);
    }
    history[resource] = best;
    if (resource < minResource_)
        return false;
    std::vector<double> others;
    for (const auto& [other, values] : bestSoFar_) {
        if (other == trial)
            continue;
        const auto at = values.find(resource);
        if (at != values.end())
            others.push_back(at->second);
    }
    if (int(others.size()) < minTrials_)
        return false;
    std::sort(others.begin(), others.end());
    const size_t n = others.size();
    const double median = n % 2 ? others[n / 2] : 0.5 * (others[n / 2 - 1] + others[n / 2]);
    return maximize_ ? best < median : best > median;
}

std::unique_ptr<TrialPruner> makePruner(const QString& type, double minResource, double reduction,
                                        bool maximize) {
    if (type == QLatin1String("asha"))
        return std::make_unique<AshaPruner>(minResource, reduction, maximize);
    if (type == QLatin1String("median"))
        return std::make_unique<MedianPruner>(minResource, maximize);
    return nullptr;
}

} // namespace trainlab
