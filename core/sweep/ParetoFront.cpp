#include "sweep/ParetoFront.h"

#include <cstddef>

namespace trainlab {

std::vector<int> paretoFront(const std::vector<std::vector<double>>& objectives,
                             const std::vector<bool>& maximize) {
    auto atLeastAsGood = [&](double a, double b, size_t j) {
        return maximize[j] ? a >= b : a <= b;
    };
    auto better = [&](double a, double b, size_t j) { return maximize[j] ? a > b : a < b; };
    std::vector<int> front;
    for (size_t i = 0; i < objectives.size(); ++i) {
        bool dominated = false;
        for (size_t k = 0; k < objectives.size() && !dominated; ++k) {
            if (k == i)
                continue;
            bool allAsGood = true;
            bool oneBetter = false;
            for (size_t j = 0; j < maximize.size(); ++j) {
                allAsGood = allAsGood && atLeastAsGood(objectives[k][j], objectives[i][j], j);
                oneBetter = oneBetter || better(objectives[k][j], objectives[i][j], j);
            }
            dominated = allAsGood && oneBetter;
        }
        if (!dominated)
            front.push_back(int(i));
    }
    return front;
}

} // namespace trainlab
