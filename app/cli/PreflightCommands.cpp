// trainlab-cli lr-find SPEC: the learning-rate range test, its curve and suggested rate, stored
// in the workspace with the spec it was run for.
#include "Commands.h"

#include "base/Errors.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "train/LrRangeTest.h"

#include <QJsonObject>
#include <cmath>

namespace trainlab::cli {

namespace {

double numberOption(const QString& text, const char* option, double fallback) {
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        throw InputError(
            QStringLiteral("lr-find %1: '%2' is not a number").arg(QLatin1String(option), text));
    return value;
}

QString rateText(const std::optional<double>& lr) {
    return lr ? QString::number(*lr, 'g', 3) : QStringLiteral("-");
}

void printCurve(const LrRangeResult& result, qint64 stored) {
    QTextStream& out = standardOutput();
    out << QStringLiteral("%1 %2 %3\n")
               .arg(QStringLiteral("lr"), 10)
               .arg(QStringLiteral("loss"), 10)
               .arg(QStringLiteral("smoothed"), 10);
    // Every fifth step, and the last: the curve's shape without a hundred lines.
    for (qsizetype i = 0; i < result.points.size(); ++i) {
        if (i % 5 != 0 && i + 1 != result.points.size())
            continue;
        const LrRangePoint& p = result.points[i];
        out << QStringLiteral("%1 %2 %3\n")
                   .arg(p.lr, 10, 'g', 3)
                   .arg(p.loss, 10, 'g', 4)
                   .arg(p.smoothed, 10, 'g', 4);
    }
    out << "suggested lr: " << rateText(result.suggestedLr)
        << " (steepest fall of the smoothed loss); lowest loss at lr "
        << rateText(result.minimumLossLr)
        << (result.diverged ? "; stopped when the loss diverged" : "") << "\n";
    out << QStringLiteral("%1 steps in %2 s; stored as pre-flight result %3\n")
               .arg(result.points.size())
               .arg(result.seconds, 0, 'f', 1)
               .arg(stored);
}

} // namespace

int lrFindCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("usage: trainlab-cli lr-find SPEC [--steps N] [--min-lr X] "
                                        "[--max-lr Y] [--db P] [--set path=value]... [--json]"));
    const ExperimentSpec spec = loadSpecFile(args.positional.first(), args.sets);
    LrRangeOptions options;
    options.steps = int(numberOption(args.steps, "--steps", options.steps));
    if (!args.steps.isEmpty() && double(options.steps) != args.steps.toDouble())
        throw InputError(
            QStringLiteral("lr-find --steps: '%1' is not a whole number").arg(args.steps));
    options.minLr = numberOption(args.minLr, "--min-lr", options.minLr);
    options.maxLr = numberOption(args.maxLr, "--max-lr", options.maxLr);
    QTextStream err(stderr);
    const LrRangeResult result =
        lrRangeTestOfSpec(spec, options, [&err, &options](int step, const LrRangePoint& p) {
            if ((step + 1) % 20 == 0)
                err << QStringLiteral("lr-find: step %1 of %2, lr %3, loss %4\n")
                           .arg(step + 1)
                           .arg(options.steps)
                           .arg(p.lr, 0, 'g', 3)
                           .arg(p.smoothed, 0, 'g', 4)
                    << Qt::flush;
        });
    QJsonObject stored = result.toJson();
    stored.insert(QStringLiteral("steps"), options.steps);
    stored.insert(QStringLiteral("min_lr"), options.minLr);
    stored.insert(QStringLiteral("max_lr"), options.maxLr);
    StoreWriter store(databasePath(args));
    const qint64 id = store.addPreflightResult(QStringLiteral("lr_find"), specToJson(spec), stored);
    store.flush();
    if (args.json) {
        stored.insert(QStringLiteral("id"), id);
        printJson(stored);
    } else {
        printCurve(result, id);
    }
    return kExitOk;
}

} // namespace trainlab::cli
