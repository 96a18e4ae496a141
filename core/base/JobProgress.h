#pragma once

#include <QMap>
#include <QString>

namespace trainlab {

/// Where a job stands, as the queue panel and the CLI's progress show it. Runs fill steps,
/// epochs and metrics; sweeps fill trials.
struct JobProgress {
    qint64 step = 0;
    qint64 totalSteps = 0;
    double epoch = 0;
    int totalEpochs = 0;
    double elapsedS = 0;
    double etaS = -1; ///< -1: not known yet
    int trialsDone = 0;
    int trialsRunning = 0;
    int trialsTotal = 0;
    QMap<QString, double> latest; ///< the newest value of every metric

    /// 0..1, or -1 when nothing says how far along it is.
    double fraction() const {
        if (totalSteps > 0)
            return double(step) / double(totalSteps);
        if (trialsTotal > 0)
            return double(trialsDone) / double(trialsTotal);
        return -1;
    }
};

} // namespace trainlab
