// trainlab-cli compare RUN RUN... [--json | --csv]: what the window's Compare tab shows, headless:
// the config fields that differ (spec and environment) and each metric's final and best value
// side by side; --csv writes every metric series of the runs instead (step, epoch, wall time).
// Store headers only, so the torch-free front answers it.
#include "Commands.h"

#include "base/Errors.h"
#include "store/WorkspaceReader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

namespace trainlab::cli {

namespace {

QJsonValue optionalNumber(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue();
}

QString figureText(const std::optional<double>& value) {
    return value ? QString::number(*value, 'g', 6) : RunComparison::kMissing;
}

QJsonObject comparisonJson(const RunComparison& comparison) {
    QJsonArray runs;
    for (const RunRecord& run : comparison.runs)
        runs.append(QJsonObject{{QStringLiteral("id"), run.id},
                                {QStringLiteral("name"), run.name},
                                {QStringLiteral("status"), runStatusName(run.status)}});
    QJsonArray differences;
    for (const ConfigDifference& d : comparison.differences)
        differences.append(
            QJsonObject{{QStringLiteral("field"), d.field},
                        {QStringLiteral("values"), QJsonArray::fromStringList(d.values)}});
    QJsonArray metrics;
    for (const ComparedMetric& m : comparison.metrics) {
        QJsonArray finals;
        QJsonArray bests;
        for (const MetricFigures& f : m.figures) {
            finals.append(optionalNumber(f.final));
            bests.append(optionalNumber(f.best));
        }
        metrics.append(
            QJsonObject{{QStringLiteral("name"), m.name},
                        {QStringLiteral("higher_is_better"),
                         m.higherIsBetter ? QJsonValue(*m.higherIsBetter) : QJsonValue()},
                        {QStringLiteral("final"), finals},
                        {QStringLiteral("best"), bests}});
    }
    return {{QStringLiteral("runs"), runs},
            {QStringLiteral("differences"), differences},
            {QStringLiteral("metrics"), metrics}};
}

void printComparison(const RunComparison& comparison) {
    QTextStream& out = standardOutput();
    constexpr int kField = 36;
    constexpr int kColumn = 14;
    out << QStringLiteral("%1").arg(QString(), -kField);
    for (const RunRecord& run : comparison.runs)
        out << QStringLiteral("%1").arg(QStringLiteral("#%1").arg(run.id), kColumn);
    out << "\n\nfields that differ:\n";
    if (comparison.differences.isEmpty())
        out << "  none: the same spec and environment\n";
    for (const ConfigDifference& d : comparison.differences) {
        out << QStringLiteral("  %1").arg(d.field, -(kField - 2));
        for (const QString& value : d.values)
            out << QStringLiteral("%1").arg(value, kColumn);
        out << '\n';
    }
    out << "\nmetrics (final, best):\n";
    for (const ComparedMetric& m : comparison.metrics) {
        out << QStringLiteral("  %1").arg(m.name, -(kField - 2));
        for (const MetricFigures& f : m.figures)
            out << QStringLiteral("%1").arg(figureText(f.final), kColumn);
        out << '\n';
        if (!m.higherIsBetter)
            continue;
        out << QStringLiteral("  %1").arg(QStringLiteral("  best"), -(kField - 2));
        for (const MetricFigures& f : m.figures)
            out << QStringLiteral("%1").arg(figureText(f.best), kColumn);
        out << '\n';
    }
}

} // namespace

int compareCommand(const CliArgs& args) {
    if (args.json && args.csv)
        throw InputError(QStringLiteral("compare: --json and --csv exclude each other"));
    if (args.positional.size() < 2)
        throw InputError(QStringLiteral("compare: name two runs or more (trainlab-cli compare "
                                        "RUN RUN...)"));
    QList<qint64> ids;
    for (const QString& text : args.positional) {
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        if (!ok || id <= 0)
            throw InputError(QStringLiteral("compare: '%1' is not a run id").arg(text));
        if (ids.contains(id))
            throw InputError(QStringLiteral("compare: run %1 is named twice").arg(id));
        ids.append(id);
    }
    WorkspaceReader workspace(databasePath(args));
    const RunComparison comparison = workspace.comparison(ids); // names a missing run
    if (args.json) {
        printJson(comparisonJson(comparison));
        return kExitOk;
    }
    if (args.csv) {
        // Straight to standard output, a run at a time, as the window's export does.
        QTextStream& out = standardOutput();
        out.flush();
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
            throw EnvironmentError(QStringLiteral("compare: cannot write to standard output"));
        writeCurvesCsv(stdoutFile, {});
        for (const qint64 run : ids)
            writeCurvesCsv(stdoutFile, workspace.curves({run}, workspace.metricNames(run)),
                           /*withHeader=*/false);
        stdoutFile.flush();
        return kExitOk;
    }
    printComparison(comparison);
    return kExitOk;
}

} // namespace trainlab::cli
