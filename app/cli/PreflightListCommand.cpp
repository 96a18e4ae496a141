// trainlab-cli preflight: the stored results of lr-find, batch-find and tune-threads, each with
// the spec it was run for. Store headers only: the torch-free front answers it.
#include "Commands.h"

#include "base/Errors.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab::cli {

namespace {

/// One line of what a result found.
QString findings(const PreflightRecord& r) {
    const QJsonObject& x = r.result;
    if (r.kind == QLatin1String("lr_find")) {
        const QJsonValue lr = x.value(QStringLiteral("suggested_lr"));
        return lr.isDouble() ? QStringLiteral("suggested lr %1").arg(lr.toDouble(), 0, 'g', 3)
                             : QStringLiteral("no rate to suggest");
    }
    if (r.kind == QLatin1String("batch_size"))
        return QStringLiteral("largest batch %1 (%2); batch %3 x accumulation %4 for %5")
            .arg(x.value(QStringLiteral("largest_batch")).toInt())
            .arg(x.value(QStringLiteral("limit")).toString())
            .arg(x.value(QStringLiteral("micro_batch")).toInt())
            .arg(x.value(QStringLiteral("accumulation")).toInt())
            .arg(x.value(QStringLiteral("target_batch")).toInt());
    if (r.kind == QLatin1String("threads")) {
        if (!x.contains(QStringLiteral("training_threads")))
            return QStringLiteral("nothing measured");
        return QStringLiteral("threads %1 with %2 loader workers on %3 cores (%4x)")
            .arg(x.value(QStringLiteral("training_threads")).toInt())
            .arg(x.value(QStringLiteral("loader_workers")).toInt())
            .arg(x.value(QStringLiteral("cores")).toInt())
            .arg(x.value(QStringLiteral("speedup")).toDouble(), 0, 'f', 2);
    }
    if (r.kind == QLatin1String("estimate"))
        return QStringLiteral("%1 s, %2 kJ for %3 trial(s)")
            .arg(x.value(QStringLiteral("sweep_seconds")).toDouble(), 0, 'f', 0)
            .arg(x.value(QStringLiteral("sweep_energy_j")).toDouble() / 1000, 0, 'f', 1)
            .arg(x.value(QStringLiteral("trials")).toInt());
    return {};
}

} // namespace

int preflightCommand(const CliArgs& args) {
    static const QStringList kinds{QStringLiteral("lr_find"), QStringLiteral("batch_size"),
                                   QStringLiteral("threads"), QStringLiteral("estimate")};
    if (!args.positional.isEmpty())
        throw InputError(QStringLiteral(
            "usage: trainlab-cli preflight [--kind lr_find|batch_size|threads|estimate] [--db P] "
            "[--json]"));
    if (!args.kind.isEmpty() && !kinds.contains(args.kind))
        throw InputError(QStringLiteral("preflight --kind: '%1' is not one of %2")
                             .arg(args.kind, kinds.join(QStringLiteral(", "))));
    WorkspaceReader workspace(databasePath(args));
    const std::vector<PreflightRecord> records = workspace.preflightResults(args.kind);
    if (args.json) {
        QJsonArray rows;
        for (const PreflightRecord& r : records)
            rows.append(QJsonObject{{QStringLiteral("id"), r.id},
                                    {QStringLiteral("kind"), r.kind},
                                    {QStringLiteral("created"), r.created},
                                    {QStringLiteral("spec"), r.spec},
                                    {QStringLiteral("result"), r.result}});
        printJson(rows);
        return kExitOk;
    }
    QTextStream& out = standardOutput();
    out << QStringLiteral("%1  %2  %3  %4  %5\n")
               .arg(QStringLiteral("id"), 5)
               .arg(QStringLiteral("kind"), -10)
               .arg(QStringLiteral("created"), -24)
               .arg(QStringLiteral("spec"), -20)
               .arg(QStringLiteral("found"));
    for (const PreflightRecord& r : records)
        out << QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(r.id, 5)
                   .arg(r.kind, -10)
                   .arg(r.created, -24)
                   .arg(r.spec.value(QStringLiteral("name")).toString(), -20)
                   .arg(findings(r));
    return kExitOk;
}

} // namespace trainlab::cli
