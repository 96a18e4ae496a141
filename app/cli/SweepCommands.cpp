#include "Commands.h"

#include "base/Errors.h"
#include "jobs/SweepRunner.h"
#include "store/Database.h"
#include "store/StoreWriter.h"
#include "store/SweepStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trainlab::cli {

namespace {

class PrintingObserver : public SweepObserver {
public:
    void sweepStarted(qint64 sweepId) override {
        err() << "sweep " << sweepId << " started" << Qt::endl;
    }
    void trialFinished(int trial, qint64 runId, RunStatus status, const QString& summary) override {
        err() << "trial " << trial << " (run " << runId << ") " << runStatusName(status)
              << (summary.isEmpty() ? QString() : QStringLiteral(": ") + summary) << Qt::endl;
    }
    void message(const QString& line) override { err() << line << Qt::endl; }

private:
    static QTextStream& err() {
        static QTextStream stream(stderr);
        return stream;
    }
};

QString formatMetric(const QJsonValue& value) {
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 5) : QStringLiteral("-");
}

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
    out << "saved by early stopping: "
        << QString::number(report.value(QStringLiteral("saved_device_hours")).toDouble() * 3600,
                           'f', 1)
        << " device-seconds\n";
}

} // namespace

int sweepCommand(const CliArgs& args) {
    const QString dbPath = databasePath(args);
    SweepDefinition definition;
    qint64 resume = 0;
    if (!args.resumeSweep.isEmpty()) {
        bool ok = false;
        resume = args.resumeSweep.toLongLong(&ok);
        if (!ok || resume <= 0)
            throw InputError(QStringLiteral("'%1' is not a sweep id").arg(args.resumeSweep));
        Database db(dbPath, Database::Mode::ReadWrite);
        const auto stored = sweeps::find(db, resume);
        if (!stored)
            throw InputError(QStringLiteral("%1: no sweep %2").arg(dbPath).arg(resume));
        if (stored->status == QLatin1String("completed"))
            throw InputError(
                QStringLiteral("sweep %1 is completed; nothing to resume").arg(resume));
        if (stored->status == QLatin1String("running"))
            throw InputError(QStringLiteral("sweep %1 is running in another process").arg(resume));
        definition =
            sweepDefinitionFromJson(stored->spec, QStringLiteral("sweep %1's spec").arg(resume));
    } else {
        if (args.positional.size() != 1)
            throw InputError(QStringLiteral("sweep takes one spec file (or --resume SWEEP)"));
        definition = loadSweepDefinition(args.positional.first(), args.sets);
    }
    { Database check(dbPath, Database::Mode::ReadWrite); }
    StoreWriter writer(dbPath);
    RunControl& control = installCancelHandlers();
    PrintingObserver observer;
    const SweepResult result = runSweep(definition, writer, control, observer, resume);
    releaseCancelHandlers();
    if (result.sweepId == 0)
        throw InputError(result.error);
    writer.flush();
    Database db(dbPath, Database::Mode::ReadOnly);
    const auto stored = sweeps::find(db, result.sweepId);
    if (args.json && stored)
        printJson(sweeps::report(db, *stored));
    else if (stored)
        printSweepText(sweeps::report(db, *stored));
    return result.status == QLatin1String("completed") ? kExitOk : kExitRunFailed;
}

int sweepsCommand(const CliArgs& args) {
    Database db(databasePath(args), Database::Mode::ReadWrite);
    QJsonArray list;
    for (const SweepRecord& sweep : sweeps::list(db))
        list.append(sweeps::report(db, sweep));
    if (args.json) {
        printJson(list);
        return kExitOk;
    }
    QTextStream& out = standardOutput();
    out << QStringLiteral("%1  %2  %3  %4  %5\n")
               .arg(QStringLiteral("id"), 4)
               .arg(QStringLiteral("status"), -11)
               .arg(QStringLiteral("strategy"), -9)
               .arg(QStringLiteral("trials"), 6)
               .arg(QStringLiteral("name"));
    for (const auto& value : list) {
        const QJsonObject s = value.toObject();
        out << QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(s.value(QStringLiteral("id")).toInteger(), 4)
                   .arg(s.value(QStringLiteral("status")).toString(), -11)
                   .arg(s.value(QStringLiteral("strategy")).toString(), -9)
                   .arg(s.value(QStringLiteral("trials")).toArray().size(), 6)
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
    Database db(databasePath(args), Database::Mode::ReadWrite);
    const auto sweep = sweeps::find(db, id);
    if (!sweep)
        throw InputError(QStringLiteral("%1: no sweep %2").arg(db.path()).arg(id));
    if (args.json)
        printJson(sweeps::report(db, *sweep));
    else
        printSweepText(sweeps::report(db, *sweep));
    return kExitOk;
}

} // namespace trainlab::cli
