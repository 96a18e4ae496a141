#include "sweep/SurrogateData.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace trainlab {

SurrogateData surrogateData(const SearchSpace& space, const std::vector<Observation>& observed) {
    SurrogateData data;
    std::vector<double> values;
    for (const auto& o : observed)
        if (o.objective && std::isfinite(*o.objective))
            values.push_back(*o.objective);
    data.scored = int(values.size());
    if (values.empty())
        return data;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    double variance = 0;
    for (double v : values)
        variance += (v - mean) * (v - mean);
    const double sd = values.size() > 1 ? std::sqrt(variance / double(values.size() - 1)) : 1.0;
    const double scale = sd > 1e-12 ? sd : 1.0;
    const double worst = (*std::max_element(values.begin(), values.end()) - mean) / scale;

    std::vector<double> ys;
    size_t next = 0;
    for (const auto& o : observed) {
        const bool scored = o.objective && std::isfinite(*o.objective);
        ys.push_back(scored ? (values[next++] - mean) / scale : worst);
    }
    std::vector<size_t> byValue(observed.size());
    std::iota(byValue.begin(), byValue.end(), 0);
    std::stable_sort(byValue.begin(), byValue.end(),
                     [&](size_t a, size_t b) { return ys[a] < ys[b]; });
    std::vector<bool> keep(observed.size(), observed.size() <= kMaxSurrogatePoints);
    if (observed.size() > kMaxSurrogatePoints) {
        for (size_t i = 0; i < kMaxSurrogatePoints / 2; ++i)
            keep[byValue[i]] = true;
        size_t kept = kMaxSurrogatePoints / 2;
        for (size_t i = observed.size(); i-- > 0 && kept < kMaxSurrogatePoints;) {
            if (!keep[i]) {
                keep[i] = true;
                ++kept;
            }
        }
    }
    for (size_t i = 0; i < observed.size(); ++i) {
        if (keep[i]) {
            data.x.appendRow(space.encode(observed[i].point));
            data.y.push_back(ys[i]);
        }
    }
    data.bestY = ys[byValue.front()];
    for (size_t i = 0; i < byValue.size() && data.best.size() < 5; ++i) {
        const Observation& o = observed[byValue[i]];
        if (o.objective && std::isfinite(*o.objective))
            data.best.push_back(space.encode(o.point));
    }
    return data;
}

} // namespace trainlab
