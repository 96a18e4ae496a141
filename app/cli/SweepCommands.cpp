#include "Commands.h"

#include "base/Errors.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trainlab::cli {

namespace {

QString formatMetric(const QJsonValue& value) {
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 5) : QStringLiteral("-");
}

} // namespace

void printSweepText(const QJsonObject& report) {
    QTextStream& out = standardOutput();
    out << "sweep " << report.value(QStringLiteral("id")).toInteger() << "  "
        << report.value(QStringLiteral("name")).toString() << "  "
        << report.value(QStringLiteral("status")).toString() << "  ("
        << report.value(QStringLiteral("strategy")).toString() << ")\n";
    const QJsonArray objectives = report.value(QStringLiteral("objective")).toArray();
    const QString metric =
        objectives.isEmpty()
            ? QString()
            : objectives.first().toObject().value(QStringLiteral("metric")).toString();
    out << QStringLiteral("%1 %2 %3 %4  %5\n")
               .arg(QStringLiteral("trial"), 5)
               .arg(QStringLiteral("run"), 5)
               .arg(QStringLiteral("status"), -11)
               .arg(metric, 12)
               .arg(QStringLiteral("params"));
    for (const auto& value : report.value(QStringLiteral("trials")).toArray()) {
        const QJsonObject t = value.toObject();
        out << QStringLiteral("%1 %2 %3 %4  %5\n")
                   .arg(t.value(QStringLiteral("trial")).toInt(), 5)
                   .arg(t.value(QStringLiteral("run")).toInteger(), 5)
                   .arg(t.value(QStringLiteral("status")).toString(), -11)
                   .arg(formatMetric(t.value(QStringLiteral("metrics")).toObject().value(metric)),
                        12)
                   .arg(
                       QString::fromUtf8(QJsonDocument(t.value(QStringLiteral("params")).toObject())
                                             .toJson(QJsonDocument::Compact)));
    }
    const QJsonObject best = report.value(QStringLiteral("best")).toObject();
    if (!best.isEmpty())
        out << "best: trial " << best.value(QStringLiteral("trial")).toInt() << "  "
            << QString::fromUtf8(QJsonDocument(best.value(QStringLiteral("params")).toObject())
                                     .toJson(QJsonDocument::Compact))
            << "\n";
    QStringList front;
    for (const auto& t : report.value(QStringLiteral("pareto")).toArray())
        front << QString::number(t.toInt());
    out << "pareto front: trials " << front.join(QStringLiteral(", ")) << "\n";
    const QJsonObject importance = report.value(QStringLiteral("importance")).toObject();
    for (auto it = importance.begin(); it != importance.end(); ++it)
        out << "importance " << it.key() << " " << QString::number(it.value().toDouble(), 'f', 3)
            << "\n";
    out << "used: energy " << formatMetric(report.value(QStringLiteral("energy_j")))
        << " J, device time "
        << QString::number(report.value(QStringLiteral("device_hours")).toDouble() * 3600, 'f', 1)
        << " s, cost " << formatMetric(report.value(QStringLiteral("cost"))) << "\n";
    out << "saved by early stopping: "
        << QString::number(report.value(QStringLiteral("saved_device_hours")).toDouble() * 3600,
                           'f', 1)
        << " device-seconds\n";
}

int sweepsCommand(const CliArgs& args) {
    WorkspaceReader workspace(databasePath(args));
    QJsonArray list;
    for (const SweepRecord& sweep : workspace.sweeps())
        list.append(workspace.sweepReport(sweep));
    if (args.json) {
        printJson(list);
        return kExitOk;
    }
    QTextStream& out = standardOutput();
    out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
               .arg(QStringLiteral("id"), 4)
               .arg(QStringLiteral("status"), -11)
               .arg(QStringLiteral("strategy"), -9)
               .arg(QStringLiteral("trials"), 6)
               .arg(QStringLiteral("energy_j"), 10)
               .arg(QStringLiteral("cost"), 10)
               .arg(QStringLiteral("name"));
    for (const auto& value : list) {
        const QJsonObject s = value.toObject();
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                   .arg(s.value(QStringLiteral("id")).toInteger(), 4)
                   .arg(s.value(QStringLiteral("status")).toString(), -11)
                   .arg(s.value(QStringLiteral("strategy")).toString(), -9)
                   .arg(s.value(QStringLiteral("trials")).toArray().size(), 6)
                   .arg(formatMetric(s.value(QStringLiteral("energy_j"))), 10)
                   .arg(formatMetric(s.value(QStringLiteral("cost"))), 10)
                   .arg(s.value(QStringLiteral("name")).toString());
    }
    return kExitOk;
}

int showSweepCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("show-sweep takes one sweep id"));
    bool ok = false;
    const qint64 id = args.positional.first().toLongLong(&ok);
    if (!ok || id <= 0)
        throw InputError(QStringLiteral("'%1' is not a sweep id").arg(args.positional.first()));
    WorkspaceReader workspace(databasePath(args));
    const auto sweep = workspace.sweep(id);
    if (!sweep)
        throw InputError(QStringLiteral("%1: no sweep %2").arg(workspace.path()).arg(id));
    if (args.json)
        printJson(workspace.sweepReport(*sweep));
    else
        printSweepText(workspace.sweepReport(*sweep));
    return kExitOk;
}

} // namespace trainlab::cli
