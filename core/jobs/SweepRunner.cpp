#include "jobs/SweepRunner.h"

#include "base/Errors.h"
#include "jobs/CommandTrial.h"
#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "store/Database.h"
#include "store/RunQueries.h"
#include "store/StoreWriter.h"
#include "store/SweepStore.h"
#include "sweep/SweepStrategy.h"
#include "sweep/TrialPruner.h"
#include "util/JsonObjectReader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <deque>
#include <mutex>
#include <thread>

namespace trainlab {

namespace {

QJsonArray objectivesJson(const SweepSpec& sweep) {
    QJsonArray array;
    for (const auto& o : sweep.objectives)
        array.append(
            QJsonObject{{QStringLiteral("metric"), o.metric},
                        {QStringLiteral("goal"),
                         o.maximize ? QStringLiteral("maximize") : QStringLiteral("minimize")}});
    return array;
}

/// One trial in flight: its thread and what it reports back.
struct TrialSlot {
    int trial = 0;
    SweepPoint point;
    qint64 resumeRun = 0; ///< > 0: continue this interrupted run
    RunControl control;
    std::atomic<bool> pruned{false};
    std::atomic<bool> done{false};
    double lastResource = 0;
    qint64 runId = 0;
    RunStatus status = RunStatus::Invalid;
    QString error;
    std::thread thread;
};

/// The shared state of one sweep execution, used by the trial threads.
class SweepExecution {
public:
    SweepExecution(const SweepDefinition& definition, StoreWriter& writer, SweepObserver& observer,
                   qint64 sweepId)
        : def_(definition)
        , sweep_(definition.sweep)
        , writer_(writer)
        , observer_(observer)
        , sweepId_(sweepId)
        , pruner_(makePruner(sweep_.earlyStop.type, sweep_.earlyStop.min,
                             sweep_.earlyStop.reduction,
                             !sweep_.objectives.isEmpty() && sweep_.objectives.first().maximize)) {}

    // Observer calls come from the sweep thread and the trial threads: one at a time.
    void message(const QString& line) {
        std::lock_guard lock(observerMutex_);
        observer_.message(line);
    }

    void trialFinished(int trial, qint64 runId, RunStatus status, const QString& summary) {
        std::lock_guard lock(observerMutex_);
        observer_.trialFinished(trial, runId, status, summary);
    }

    void runTrial(TrialSlot& slot) {
        try {
            if (sweep_.external())
                runCommand(slot);
            else
                runBuiltIn(slot);
        } catch (const std::exception& e) {
            slot.status = RunStatus::Failed;
            slot.error = QString::fromUtf8(e.what());
        }
        slot.done = true;
    }

    std::optional<double> objectiveOf(qint64 runId) {
        if (runId == 0 || sweep_.objectives.isEmpty())
            return std::nullopt;
        const auto final =
            writer_.call([&](Database& db) { return runs::metricSummary(db, runId).final; });
        const SweepObjective& objective = sweep_.objectives.first();
        if (!final.contains(objective.metric))
            return std::nullopt;
        const double value = final.value(objective.metric);
        return objective.maximize ? -value : value;
    }

private:
    class TrialObserver : public RunObserver {
    public:
        TrialObserver(SweepExecution& execution, TrialSlot& slot)
            : execution_(execution)
            , slot_(slot) {}
        void runCreated(qint64 runId, const QString&) override {
            slot_.runId = runId;
            execution_.writer_.call([&](Database& db) {
                sweeps::attachRun(db, runId, execution_.sweepId_, slot_.trial);
                return 0;
            });
        }
        void metricLogged(const MetricPoint& point) override {
            const SweepSpec& sweep = execution_.sweep_;
            if (!execution_.pruner_ || sweep.objectives.isEmpty() ||
                point.name != sweep.objectives.first().metric)
                return;
            const double resource = sweep.earlyStop.resource == QLatin1String("step")
                                        ? double(point.step)
                                        : point.epoch;
            slot_.lastResource = resource;
            std::lock_guard lock(execution_.prunerMutex_);
            if (execution_.pruner_->report(slot_.trial, resource, point.value)) {
                slot_.pruned = true;
                slot_.control.cancel = true;
            }
        }
        void message(qint64, const QString& line) override {
            if (line.startsWith(QLatin1String("epoch")) || line.startsWith(QLatin1String("test_")))
                return; // per-epoch lines of parallel trials would interleave; the store has them
            execution_.message(QStringLiteral("trial %1: %2").arg(slot_.trial).arg(line));
        }

    private:
        SweepExecution& execution_;
        TrialSlot& slot_;
    };

    int threadsPerTrial() const {
        return std::max(1, QThread::idealThreadCount() / std::max(1, sweep_.parallel));
    }

    void runBuiltIn(TrialSlot& slot) {
        RunRequest request;
        if (slot.resumeRun > 0) {
            try {
                request = resumeRequest(writer_.path(), slot.resumeRun);
            } catch (const InputError& e) {
                // Stopped before its first checkpoint: run the point again from the start.
                message(
                    QStringLiteral("trial %1: %2; restarting it").arg(slot.trial).arg(e.message()));
                slot.resumeRun = 0;
            }
        }
        if (slot.resumeRun == 0) {
            QJsonObject json = def_.base;
            try {
                for (auto it = slot.point.begin(); it != slot.point.end(); ++it)
                    setSpecValue(json, it.key(), it.value());
                if (!slot.point.contains(QStringLiteral("training.threads")))
                    setSpecValue(json, QStringLiteral("training.threads"), threadsPerTrial());
                json.insert(QStringLiteral("name"),
                            QStringLiteral("%1-trial-%2").arg(def_.name).arg(slot.trial));
                request.spec = specFromJson(json, QStringLiteral("trial %1").arg(slot.trial));
            } catch (const InputError& e) {
                recordInvalidTrial(slot, json, e.message());
                return;
            }
            request.params = slot.point;
        }
        TrialObserver observer(*this, slot);
        const RunResult result = executeRun(request, writer_, slot.control, observer);
        slot.runId = result.runId;
        slot.status = result.status;
        slot.error = result.error;
        if (slot.pruned && result.status == RunStatus::Cancelled)
            markPruned(slot, request.spec);
    }

    // The compute a pruned trial did not use: its device time, scaled by the epochs it skipped.
    void markPruned(TrialSlot& slot, const ExperimentSpec& spec) {
        const double done = std::max(1.0, slot.lastResource);
        const double planned =
            sweep_.earlyStop.resource == QLatin1String("step") && spec.training.maxSteps > 0
                ? double(spec.training.maxSteps)
                : double(spec.training.epochs);
        writer_.call([&](Database& db) {
            const auto run = runs::find(db, slot.runId);
            const double hours = run && run->deviceHours ? *run->deviceHours : 0.0;
            sweeps::markPruned(db, slot.runId, hours * std::max(0.0, planned - done) / done);
            return 0;
        });
        slot.status = RunStatus::Pruned;
        slot.error.clear();
    }

    // A point whose spec does not validate is a failed trial carrying the message.
    void recordInvalidTrial(TrialSlot& slot, const QJsonObject& json, const QString& error) {
        slot.runId = writer_.call([&](Database& db) {
            RunRecord record;
            record.name = QStringLiteral("%1-trial-%2").arg(def_.name).arg(slot.trial);
            record.params = slot.point;
            record.spec = QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
            const qint64 id = runs::createRun(db, record);
            sweeps::attachRun(db, id, sweepId_, slot.trial);
            record.id = id;
            record.status = RunStatus::Failed;
            record.error = error;
            runs::finish(db, record);
            return id;
        });
        slot.status = RunStatus::Failed;
        slot.error = error;
    }

    void runCommand(TrialSlot& slot) {
        slot.runId = writer_.call([&](Database& db) {
            RunRecord record;
            record.name = QStringLiteral("%1-trial-%2").arg(def_.name).arg(slot.trial);
            record.params = slot.point;
            record.spec = QStringLiteral("{}");
            const qint64 id = runs::createRun(db, record);
            sweeps::attachRun(db, id, sweepId_, slot.trial);
            runs::markRunning(db, id, QStringLiteral("command"));
            return id;
        });
        CommandTrialResult result;
        try {
            result = runCommandTrial(expandCommand(sweep_.command, slot.point), sweep_.timeoutS,
                                     &slot.control.cancel);
        } catch (const InputError& e) {
            result.error = e.message();
        }
        QVector<MetricPoint> points;
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        for (auto it = result.metrics.begin(); it != result.metrics.end(); ++it)
            points.append({slot.runId, 0, 0, it.key(), it.value(), now});
        writer_.appendMetrics(points);
        RunRecord final;
        final.id = slot.runId;
        final.status =
            result.ok ? RunStatus::Completed
                      : (slot.control.cancel.load() ? RunStatus::Cancelled : RunStatus::Failed);
        final.error = result.ok ? QString() : result.error;
        final.deviceHours = result.seconds / 3600.0;
        writer_.call([&](Database& db) {
            runs::finish(db, final);
            return 0;
        });
        slot.status = final.status;
        slot.error = final.error;
    }

    const SweepDefinition& def_;
    const SweepSpec& sweep_;
    StoreWriter& writer_;
    SweepObserver& observer_;
    qint64 sweepId_;
    std::unique_ptr<TrialPruner> pruner_;
    std::mutex prunerMutex_;
    std::mutex observerMutex_;
};

} // namespace

SweepDefinition sweepDefinitionFromJson(const QJsonObject& json, const QString& sourceName) {
    QStringList errors;
    SweepDefinition def;
    def.fullSpec = json;
    def.name = json.value(QStringLiteral("name")).toString(QStringLiteral("sweep"));
    if (!json.value(QStringLiteral("sweep")).isObject())
        throw SpecError(sourceName,
                        {QStringLiteral("sweep: missing (a sweep spec needs a \"sweep\" block)")});
    def.sweep = readSweepSpec(json.value(QStringLiteral("sweep")).toObject(), errors);
    def.base = json;
    def.base.remove(QStringLiteral("sweep"));
    if (def.sweep.external()) {
        for (const QString& key : def.base.keys()) {
            if (key != QLatin1String("trainlab") && key != QLatin1String("name"))
                errors << QStringLiteral(
                              "%1: an external-command sweep runs its own program; remove this key")
                              .arg(key);
        }
    } else {
        try {
            specFromJson(def.base, QString());
        } catch (const SpecError& e) {
            errors += e.problems();
        }
    }
    if (!errors.isEmpty())
        throw SpecError(sourceName, errors);
    return def;
}

SweepDefinition loadSweepDefinition(const QString& path, const QStringList& overrides) {
    QJsonObject json = readJsonFile(path);
    applyOverrides(json, overrides);
    return sweepDefinitionFromJson(json, path);
}

SweepResult runSweep(const SweepDefinition& definition, StoreWriter& writer, RunControl& control,
                     SweepObserver& observer, qint64 resumeSweep) {
    const SweepSpec& sweep = definition.sweep;
    SweepResult result;
    std::vector<Observation> observed;
    struct Unfinished {
        int trial;
        qint64 run;
        SweepPoint point;
    };
    std::deque<Unfinished> toContinue; ///< interrupted built-in trials
    std::deque<std::pair<int, SweepPoint>> toRerun;
    int nextTrial = 1;
    try {
        if (resumeSweep > 0) {
            result.sweepId = resumeSweep;
            const auto trials = writer.call([&](Database& db) {
                sweeps::setStatus(db, resumeSweep, QStringLiteral("running"));
                return sweeps::trials(db, resumeSweep);
            });
            for (const TrialRecord& t : trials) {
                nextTrial = std::max(nextTrial, t.trial + 1);
                const RunStatus s = t.run.status;
                if (s == RunStatus::Completed || s == RunStatus::Pruned || s == RunStatus::Failed) {
                    std::optional<double> objective;
                    if (!sweep.objectives.isEmpty() &&
                        t.metrics.contains(sweep.objectives.first().metric) &&
                        s != RunStatus::Failed) {
                        const double v = t.metrics.value(sweep.objectives.first().metric);
                        objective = sweep.objectives.first().maximize ? -v : v;
                    }
                    observed.push_back({t.run.params, objective});
                } else if (!sweep.external()) {
                    toContinue.push_back({t.trial, t.run.id, t.run.params});
                } else {
                    toRerun.emplace_back(t.trial, t.run.params);
                }
            }
            observer.message(QStringLiteral("resuming sweep %1: %2 trials done, %3 to continue")
                                 .arg(resumeSweep)
                                 .arg(observed.size())
                                 .arg(toContinue.size() + toRerun.size()));
        } else {
            result.sweepId = writer.call([&](Database& db) {
                return sweeps::create(db, definition.name, sweep.strategy, definition.fullSpec,
                                      sweep.spaceJson, objectivesJson(sweep));
            });
        }
    } catch (const std::exception& e) {
        result.status = QStringLiteral("failed");
        result.error = QString::fromUtf8(e.what());
        return result;
    }
    observer.sweepStarted(result.sweepId);

    std::unique_ptr<SweepStrategy> strategy;
    try {
        strategy = makeStrategy(sweep.strategy, sweep.space, uint64_t(sweep.seed), sweep.gridSteps,
                                sweep.initialPoints);
    } catch (const InputError& e) {
        writer.call([&](Database& db) {
            sweeps::setStatus(db, result.sweepId, QStringLiteral("failed"), e.message());
            return 0;
        });
        return {result.sweepId, QStringLiteral("failed"), e.message()};
    }

    SweepExecution execution(definition, writer, observer, result.sweepId);
    std::vector<std::unique_ptr<TrialSlot>> active;
    auto launch = [&](std::unique_ptr<TrialSlot> slot) {
        TrialSlot* raw = slot.get();
        raw->thread = std::thread([&execution, raw] { execution.runTrial(*raw); });
        active.push_back(std::move(slot));
    };
    bool exhausted = false;
    bool cancelled = false;
    while (true) {
        for (auto it = active.begin(); it != active.end();) {
            TrialSlot& slot = **it;
            if (!slot.done) {
                ++it;
                continue;
            }
            slot.thread.join();
            std::optional<double> objective;
            if (slot.status == RunStatus::Completed || slot.status == RunStatus::Pruned)
                objective = execution.objectiveOf(slot.runId);
            observed.push_back({slot.point, objective});
            const QString summary =
                slot.error.isEmpty()
                    ? (objective
                           ? QStringLiteral("%1 %2")
                                 .arg(sweep.objectives.first().metric)
                                 .arg(sweep.objectives.first().maximize ? -*objective : *objective)
                           : QString())
                    : slot.error;
            execution.trialFinished(slot.trial, slot.runId, slot.status, summary);
            it = active.erase(it);
        }
        if (control.cancel.load()) {
            for (auto& slot : active)
                slot->control.cancel = true;
            for (auto& slot : active)
                slot->thread.join();
            active.clear();
            cancelled = true;
            break;
        }
        while (int(active.size()) < sweep.parallel && (!toContinue.empty() || !toRerun.empty())) {
            auto slot = std::make_unique<TrialSlot>();
            if (!toContinue.empty()) {
                slot->trial = toContinue.front().trial;
                slot->resumeRun = toContinue.front().run;
                slot->point = toContinue.front().point;
                toContinue.pop_front();
            } else {
                std::tie(slot->trial, slot->point) = toRerun.front();
                toRerun.pop_front();
            }
            launch(std::move(slot));
        }
        const int room =
            std::min(sweep.parallel - int(active.size()), sweep.trials - nextTrial + 1);
        if (room > 0 && !exhausted) {
            std::vector<SweepPoint> pending;
            for (const auto& slot : active)
                pending.push_back(slot->point);
            const auto points = strategy->propose(room, observed, pending);
            exhausted = points.empty();
            for (const SweepPoint& point : points) {
                auto slot = std::make_unique<TrialSlot>();
                slot->trial = nextTrial++;
                slot->point = point;
                launch(std::move(slot));
            }
        }
        if (active.empty() && toContinue.empty() && toRerun.empty() &&
            (nextTrial > sweep.trials || exhausted))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    result.status = cancelled ? QStringLiteral("cancelled") : QStringLiteral("completed");
    auto* bayesian = dynamic_cast<BayesianStrategy*>(strategy.get());
    const QJsonObject importance =
        bayesian && !bayesian->importance().isEmpty()
            ? bayesian->importance()
            : parameterImportance(sweep.space, observed, uint64_t(sweep.seed));
    writer.call([&](Database& db) {
        sweeps::setImportance(db, result.sweepId, importance);
        sweeps::setStatus(db, result.sweepId, result.status);
        return 0;
    });
    writer.flush();
    return result;
}

} // namespace trainlab
