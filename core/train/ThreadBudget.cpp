#include "train/ThreadBudget.h"

#include <QThread>
#include <QtGlobal>
#include <algorithm>

namespace trainlab {

ThreadBudget threadBudget(int cpuThreads, int requestedWorkers, bool augmenting) {
    const int total = cpuThreads > 0 ? cpuThreads : std::max(1, QThread::idealThreadCount());
    ThreadBudget budget;
    budget.loaderWorkers = requestedWorkers >= 0 ? requestedWorkers : (augmenting && total >= 2);
    budget.intraOpThreads = std::max(1, total - budget.loaderWorkers);
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("OMP_NUM_THREADS", &ok);
    if (ok && fromEnv > 0)
        budget.intraOpThreads = fromEnv;
    return budget;
}

} // namespace trainlab
