#include "Commands.h"

#include "base/Errors.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

namespace trainlab::cli {

namespace {

QTextStream& out() {
    return standardOutput();
}

QString formatValue(const QJsonValue& value) {
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 5) : QStringLiteral("-");
}

void printEnvironment(const QJsonObject& environment) {
    if (environment.isEmpty())
        return;
    QStringList gpus;
    for (const auto& gpu : environment.value(QStringLiteral("gpu_models")).toArray())
        gpus << gpu.toString();
    auto text = [&](const char* key) { return environment.value(QLatin1String(key)).toString(); };
    out() << "  environment  LibTorch " << text("libtorch") << ", CUDA " << text("cuda")
          << ", driver " << text("driver") << ", Qt " << text("qt") << ", world size "
          << environment.value(QStringLiteral("world_size")).toInt() << "\n"
          << "               CPU " << text("cpu_model") << " ("
          << environment.value(QStringLiteral("cpu_cores")).toInt() << " cores), GPUs "
          << (gpus.isEmpty() ? QStringLiteral("none") : gpus.join(QStringLiteral(", "))) << " ("
          << text("nvml") << ")\n";
}

} // namespace

int runsCommand(const CliArgs& args) {
    WorkspaceReader workspace(databasePath(args));
    if (args.json) {
        printJson(workspace.runList());
        return kExitOk;
    }
    out() << QStringLiteral("%1  %2  %3  %4  %5\n")
                 .arg(QStringLiteral("id"), 5)
                 .arg(QStringLiteral("status"), -11)
                 .arg(QStringLiteral("val_accuracy"), 12)
                 .arg(QStringLiteral("started"), -24)
                 .arg(QStringLiteral("name"));
    for (const RunListLine& run : workspace.runLines(QStringLiteral("val_accuracy")))
        out() << QStringLiteral("%1  %2  %3  %4  %5\n")
                     .arg(run.id, 5)
                     .arg(runStatusName(run.status), -11)
                     .arg(formatValue(run.metric ? QJsonValue(*run.metric) : QJsonValue()), 12)
                     .arg(run.started, -24)
                     .arg(run.name);
    return kExitOk;
}

int showCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    WorkspaceReader workspace(databasePath(args));
    const auto run = workspace.run(id);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(workspace.path()).arg(id));
    const QJsonObject report = workspace.runReport(*run);
    if (args.json) {
        printJson(report);
        return kExitOk;
    }
    out() << "run " << id << "  " << run->name << "\n";
    out() << "  status   " << runStatusName(run->status) << "\n";
    if (!run->error.isEmpty())
        out() << "  error    " << run->error << "\n";
    out() << "  devices  " << run->devices << "\n";
    out() << "  started  " << run->started << "\n  ended    " << run->ended << "\n";
    if (!run->params.isEmpty())
        out() << "  params   " << QJsonDocument(run->params).toJson(QJsonDocument::Compact) << "\n";
    const QJsonObject final = report.value(QStringLiteral("final")).toObject();
    const QJsonObject best = report.value(QStringLiteral("best")).toObject();
    out() << "  metric                final        best\n";
    for (auto it = final.begin(); it != final.end(); ++it)
        out() << QStringLiteral("  %1  %2  %3\n")
                     .arg(it.key(), -20)
                     .arg(formatValue(it.value()), 10)
                     .arg(formatValue(best.value(it.key())), 10);
    if (const QJsonObject q = report.value(QStringLiteral("quantization")).toObject();
        !q.isEmpty()) {
        out() << "  int8     "
              << QString::number(q.value(QStringLiteral("size_ratio")).toDouble(), 'f', 2)
              << "x smaller, " << speedText(q.value(QStringLiteral("speedup")).toDouble()) << " ("
              << q.value(QStringLiteral("engine")).toString() << ")";
        if (q.contains(QStringLiteral("accuracy_change")))
            out() << ", accuracy "
                  << QString::number(q.value(QStringLiteral("accuracy_change")).toDouble(), 'f', 4);
        out() << "\n";
    }
    if (const QJsonObject e = report.value(QStringLiteral("evaluation")).toObject(); !e.isEmpty()) {
        const QJsonObject macro = e.value(QStringLiteral("macro")).toObject();
        out() << "  evaluation  accuracy " << formatValue(e.value(QStringLiteral("accuracy")))
              << ", macro F1 " << formatValue(macro.value(QStringLiteral("f1")))
              << ", macro ROC-AUC " << formatValue(macro.value(QStringLiteral("roc_auc")))
              << " (per class: trainlab-cli report " << id << ")\n";
    }
    out() << "  device hours " << formatValue(report.value(QStringLiteral("device_hours")))
          << "   energy J " << formatValue(report.value(QStringLiteral("energy_j")));
    if (const QString source = report.value(QStringLiteral("energy_source")).toString();
        !source.isEmpty())
        out() << " (" << source << ")";
    out() << "\n  cost     "
          << (report.value(QStringLiteral("cost")).isDouble()
                  ? formatValue(report.value(QStringLiteral("cost")))
                  : QStringLiteral("- (no price was set: trainlab-cli settings set "
                                   "price_per_kwh VALUE)"))
          << "\n";
    printEnvironment(report.value(QStringLiteral("environment")).toObject());
    return kExitOk;
}

int metricsCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    WorkspaceReader workspace(databasePath(args));
    if (!workspace.run(id))
        throw InputError(QStringLiteral("%1: no run %2").arg(workspace.path()).arg(id));
    const QStringList names =
        args.metricName.isEmpty() ? workspace.metricNames(id) : QStringList{args.metricName};
    QJsonArray json;
    if (args.csv)
        out() << "step,epoch,name,value,wall_time\n";
    else if (!args.json)
        out() << QStringLiteral("%1  %2  %3  %4\n")
                     .arg(QStringLiteral("step"), 8)
                     .arg(QStringLiteral("epoch"), 8)
                     .arg(QStringLiteral("name"), -16)
                     .arg(QStringLiteral("value"));
    for (const QString& name : names) {
        for (const MetricPoint& p : workspace.metricSeries(id, name)) {
            if (args.json)
                json.append(QJsonObject{{QStringLiteral("step"), p.step},
                                        {QStringLiteral("epoch"), p.epoch},
                                        {QStringLiteral("name"), p.name},
                                        {QStringLiteral("value"), p.value},
                                        {QStringLiteral("wall_time"), p.wallTime}});
            else if (args.csv)
                out() << p.step << ',' << QString::number(p.epoch, 'g', 10) << ',' << p.name << ','
                      << QString::number(p.value, 'g', 10) << ','
                      << QString::number(p.wallTime, 'f', 3) << '\n';
            else
                out() << QStringLiteral("%1  %2  %3  %4\n")
                             .arg(p.step, 8)
                             .arg(p.epoch, 8, 'f', 3)
                             .arg(p.name, -16)
                             .arg(p.value, 0, 'g', 6);
        }
    }
    if (args.json)
        printJson(json);
    return kExitOk;
}

CommandTable queryCommands() {
    return {
        {QStringLiteral("runs"), runsCommand},
        {QStringLiteral("show"), showCommand},
        {QStringLiteral("metrics"), metricsCommand},
        {QStringLiteral("sweeps"), sweepsCommand},
        {QStringLiteral("show-sweep"), showSweepCommand},
        {QStringLiteral("settings"), settingsCommand},
        {QStringLiteral("tag"), tagCommand},
        {QStringLiteral("note"), noteCommand},
        {QStringLiteral("delete"), deleteCommand},
        {QStringLiteral("report"), reportCommand},
        {QStringLiteral("compare"), compareCommand},
        {QStringLiteral("preflight"), preflightCommand},
    };
}

} // namespace trainlab::cli
