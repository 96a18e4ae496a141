#pragma once

#include "sweep/SearchSpace.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace trainlab {

struct SweepObjective {
    /// A logged metric, or one of a run's own figures: energy_j, device_hours, cost.
    QString metric;
    bool maximize = false;
};

struct EarlyStopSpec {
    QString type = QStringLiteral("none"); ///< none | asha | median
    /// epoch | step | energy_j (the trial's energy so far: `min` is then in joules)
    QString resource = QStringLiteral("epoch");
    double min = 1;
    double reduction = 3;
};

/// The `sweep` block of DESIGN.md, validated. `command` non-empty means an external-command
/// sweep: the space's keys are plain names and the spec has no dataset / model / training.
struct SweepSpec {
    QString strategy = QStringLiteral("random"); ///< grid | random | bayesian
    int trials = 20;
    int parallel = 1;
    /// Built-in trials on a machine with GPUs (devices "auto"): how many share one GPU, each
    /// taking that part of it; the job layer places every trial on the least loaded GPU.
    /// kTrialsPerGpuByMemory ("auto"): each trial takes the part its estimated memory needs.
    int trialsPerGpu = 1;
    static constexpr int kTrialsPerGpuByMemory = 0;
    qint64 seed = 0;
    int gridSteps = 5;
    int initialPoints = 8; ///< bayesian: random trials before the model takes over
    QList<SweepObjective> objectives;
    SearchSpace space;
    QJsonObject spaceJson;
    EarlyStopSpec earlyStop;
    QStringList command;
    double timeoutS = 0;
    bool external() const { return !command.isEmpty(); }
};

/// Reads and checks a `sweep` object (JSON path `sweep`), appending every problem to `errors`.
/// For built-in sweeps each space path must exist in `baseSpec` or be a field the spec accepts;
/// that check happens per trial (a point whose spec fails validation is a failed trial).
SweepSpec readSweepSpec(const QJsonObject& sweep, QStringList& errors);

} // namespace trainlab
