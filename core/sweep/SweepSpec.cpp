#include "sweep/SweepSpec.h"

#include "util/JsonObjectReader.h"

#include <QJsonArray>

namespace trainlab {

SweepSpec readSweepSpec(const QJsonObject& sweep, QStringList& errors) {
    SweepSpec spec;
    JsonObjectReader r(sweep, QStringLiteral("sweep"), errors);
    const double inf = std::numeric_limits<double>::infinity();
    r.string(QStringLiteral("strategy"), spec.strategy,
             {QStringLiteral("grid"), QStringLiteral("random"), QStringLiteral("bayesian"),
              QStringLiteral("tpe")});
    r.integer(QStringLiteral("trials"), spec.trials, {1, 100000});
    r.integer(QStringLiteral("parallel"), spec.parallel, {1, 256});
    const QJsonValue perGpu = r.raw(QStringLiteral("trials_per_gpu"));
    if (perGpu == QJsonValue(QStringLiteral("auto")))
        spec.trialsPerGpu = SweepSpec::kTrialsPerGpuByMemory;
    else if (perGpu.isString())
        r.error(QStringLiteral("trials_per_gpu"),
                QStringLiteral("must be a number from 1 to 64 or \"auto\", got ") +
                    describeJson(perGpu));
    else
        r.integer(QStringLiteral("trials_per_gpu"), spec.trialsPerGpu, {1, 64});
    r.integer64(QStringLiteral("seed"), spec.seed, {0, inf});
    r.integer(QStringLiteral("grid_steps"), spec.gridSteps, {1, 1000});
    r.integer(QStringLiteral("n_init"), spec.initialPoints, {2, 10000});
    r.number(QStringLiteral("timeout_s"), spec.timeoutS, {0, inf});

    const QJsonValue objective = r.raw(QStringLiteral("objective"));
    if (objective.isUndefined()) {
        errors << QStringLiteral("sweep.objective: missing, e.g. [{\"metric\": \"val_accuracy\", "
                                 "\"goal\": \"maximize\"}]");
    } else {
        const QJsonArray list = objective.isArray() ? objective.toArray() : QJsonArray{objective};
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString at = QStringLiteral("sweep.objective[%1]").arg(i);
            JsonObjectReader o(list[i].toObject(), at, errors);
            if (!list[i].isObject()) {
                errors << at + QStringLiteral(": must be {\"metric\": NAME, \"goal\": \"maximize\" "
                                              "or \"minimize\"}");
                continue;
            }
            SweepObjective item;
            QString goal;
            o.string(QStringLiteral("metric"), item.metric);
            o.string(QStringLiteral("goal"), goal,
                     {QStringLiteral("maximize"), QStringLiteral("minimize")});
            if (item.metric.isEmpty())
                o.error(QStringLiteral("metric"), QStringLiteral("missing"));
            if (goal.isEmpty())
                o.error(QStringLiteral("goal"), QStringLiteral("missing (maximize or minimize)"));
            item.maximize = goal == QLatin1String("maximize");
            o.finish();
            spec.objectives.append(item);
        }
        if (list.isEmpty())
            errors << QStringLiteral("sweep.objective: must name at least one metric");
    }

    const QJsonValue space = r.raw(QStringLiteral("space"));
    if (!space.isObject())
        errors << QStringLiteral("sweep.space: must be an object of parameters, got ") +
                      describeJson(space);
    else {
        spec.spaceJson = space.toObject();
        spec.space = SearchSpace::fromJson(spec.spaceJson, QStringLiteral("sweep.space"), errors);
    }

    {
        JsonObjectReader e = r.child(QStringLiteral("early_stop"));
        e.string(QStringLiteral("type"), spec.earlyStop.type,
                 {QStringLiteral("none"), QStringLiteral("asha"), QStringLiteral("median")});
        e.string(QStringLiteral("resource"), spec.earlyStop.resource,
                 {QStringLiteral("epoch"), QStringLiteral("step"), QStringLiteral("energy_j")});
        e.number(QStringLiteral("min"), spec.earlyStop.min, {0, inf, true});
        e.number(QStringLiteral("reduction"), spec.earlyStop.reduction, {2, inf});
        e.finish();
    }

    const QJsonValue command = r.raw(QStringLiteral("command"));
    if (!command.isUndefined()) {
        const QJsonArray argv = command.toArray();
        if (!command.isArray() || argv.isEmpty())
            errors << QStringLiteral("sweep.command: must be a non-empty list of arguments, got ") +
                          describeJson(command);
        for (qsizetype i = 0; i < argv.size(); ++i) {
            if (!argv[i].isString())
                errors << QStringLiteral("sweep.command[%1]: must be a string, got ").arg(i) +
                              describeJson(argv[i]);
            else
                spec.command << argv[i].toString();
        }
    }
    if (spec.strategy == QLatin1String("grid")) {
        int64_t count = 0;
        if (!spec.space.params().empty() && !spec.space.grid(spec.gridSteps, 100000, &count))
            errors << QStringLiteral(
                          "sweep.grid_steps: the grid has %1 points, more than 100000; lower "
                          "grid_steps or use random, bayesian or tpe")
                          .arg(count);
    }
    r.finish();
    return spec;
}

} // namespace trainlab
