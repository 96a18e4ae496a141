// The pre-flight verbs: lr-find (the learning-rate range test, its curve and suggested rate),
// batch-find (the largest batch that fits, and the accumulation to a target batch) and
// tune-threads (the fastest split of the cores between loader workers and intra-op threads) and
// estimate (a run's or a sweep's time, energy and cost from a short probe).
// Each result is stored in the workspace with the spec it was run for.
#include "Commands.h"

#include "base/Errors.h"
#include "jobs/RunEstimate.h"
#include "jobs/RunSources.h"
#include "jobs/SweepDefinition.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/BatchSizeSearch.h"
#include "train/LrRangeTest.h"
#include "train/ThreadTuning.h"

#include <QJsonObject>
#include <cmath>
#include <functional>

namespace trainlab::cli {

namespace {

double numberOption(const QString& text, const char* verb, const char* option, double fallback) {
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        throw InputError(QStringLiteral("%1 %2: '%3' is not a number")
                             .arg(QLatin1String(verb), QLatin1String(option), text));
    return value;
}

int wholeOption(const QString& text, const char* verb, const char* option, int fallback) {
    const double value = numberOption(text, verb, option, fallback);
    if (value != std::floor(value) || std::abs(value) > 1e9)
        throw InputError(QStringLiteral("%1 %2: '%3' is not a whole number")
                             .arg(QLatin1String(verb), QLatin1String(option), text));
    return int(value);
}

/// "4G", "512M", "300k" or plain bytes.
double sizeOption(const QString& text, const char* verb, const char* option) {
    if (text.isEmpty())
        return 0;
    static const QString units = QStringLiteral("KMGT");
    QString digits = text.trimmed();
    double scale = 1;
    const qsizetype unit = digits.isEmpty() ? -1 : units.indexOf(digits.back().toUpper());
    if (unit >= 0) {
        scale = std::pow(1024.0, double(unit + 1));
        digits.chop(1);
    }
    bool ok = false;
    const double value = digits.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value <= 0)
        throw InputError(QStringLiteral("%1 %2: '%3' is not a size (like 4G, 512M or bytes)")
                             .arg(QLatin1String(verb), QLatin1String(option), text));
    return value * scale;
}

/// Stores a result and prints it: JSON with its id, or the text `printText` writes.
int storeAndPrint(const CliArgs& args, const ExperimentSpec& spec, const QString& kind,
                  QJsonObject stored, const std::function<void(qint64 id)>& printText) {
    StoreWriter store(databasePath(args));
    const qint64 id = store.addPreflightResult(kind, specToJson(spec), stored);
    store.flush();
    if (args.json) {
        stored.insert(QStringLiteral("id"), id);
        printJson(stored);
    } else {
        printText(id);
    }
    return kExitOk;
}

QString megabytes(const std::optional<double>& bytes) {
    return bytes ? QString::number(*bytes / 1e6, 'f', 0) : QStringLiteral("-");
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
    options.steps = wholeOption(args.steps, "lr-find", "--steps", options.steps);
    options.minLr = numberOption(args.minLr, "lr-find", "--min-lr", options.minLr);
    options.maxLr = numberOption(args.maxLr, "lr-find", "--max-lr", options.maxLr);
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
    return storeAndPrint(args, spec, QStringLiteral("lr_find"), stored,
                         [&result](qint64 id) { printCurve(result, id); });
}

int batchFindCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("usage: trainlab-cli batch-find SPEC [--target N] "
                                        "[--max-batch N] [--memory SIZE] [--db P] "
                                        "[--set path=value]... [--json]"));
    const ExperimentSpec spec = loadSpecFile(args.positional.first(), args.sets);
    BatchSizeOptions options;
    options.targetBatch = wholeOption(args.target, "batch-find", "--target", 0);
    options.maxBatch = wholeOption(args.maxBatch, "batch-find", "--max-batch", 0);
    options.memoryBudgetBytes = sizeOption(args.memory, "batch-find", "--memory");
    options.cpuThreads = spec.training.threads;
    QTextStream err(stderr);
    const BatchSizeResult result =
        batchSizeSearchOfSpec(spec, options, [&err](const BatchSizeProbe& p) {
            err << QStringLiteral("batch-find: batch %1: %2\n")
                       .arg(p.batch)
                       .arg(p.fits ? QStringLiteral("fits, %1 samples/s")
                                         .arg(p.samplesPerSecond, 0, 'f', 0)
                                   : p.note)
                << Qt::flush;
        });
    return storeAndPrint(args, spec, QStringLiteral("batch_size"), result.toJson(), [&](qint64 id) {
        QTextStream& out = standardOutput();
        out << QStringLiteral("%1 %2 %3 %4\n")
                   .arg(QStringLiteral("batch"), 7)
                   .arg(QStringLiteral("memory MB"), 10)
                   .arg(QStringLiteral("samples/s"), 10)
                   .arg(QStringLiteral("fits"), 5);
        for (const BatchSizeProbe& p : result.probes)
            out << QStringLiteral("%1 %2 %3 %4\n")
                       .arg(p.batch, 7)
                       .arg(megabytes(p.peakBytes), 10)
                       .arg(p.samplesPerSecond, 10, 'f', 0)
                       .arg(p.fits ? QStringLiteral("yes") : QStringLiteral("no"), 5);
        out << QStringLiteral("largest batch: %1 on %2 (limited by %3)\n")
                   .arg(result.largestBatch)
                   .arg(result.device, result.limitText());
        out << QStringLiteral("to reach batch %1: batch_size %2 x grad_accumulation %3 (= %4)\n")
                   .arg(result.targetBatch)
                   .arg(result.plan.microBatch)
                   .arg(result.plan.accumulation)
                   .arg(result.plan.effectiveBatch());
        out << QStringLiteral("%1 probes in %2 s; stored as pre-flight result %3\n")
                   .arg(result.probes.size())
                   .arg(result.seconds, 0, 'f', 1)
                   .arg(id);
    });
}

int tuneThreadsCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("usage: trainlab-cli tune-threads SPEC [--cores N] "
                                        "[--seconds S] [--batch N] [--db P] "
                                        "[--set path=value]... [--json]"));
    const ExperimentSpec spec = loadSpecFile(args.positional.first(), args.sets);
    ThreadTuningOptions options;
    options.cores = wholeOption(args.cores, "tune-threads", "--cores", spec.training.threads);
    options.secondsPerProbe =
        numberOption(args.seconds, "tune-threads", "--seconds", options.secondsPerProbe);
    options.batchSize = wholeOption(args.batch, "tune-threads", "--batch", 0);
    QTextStream err(stderr);
    const ThreadTuningResult result =
        tuneThreadsOfSpec(spec, options, [&err](int index, int count, const ThreadSplit& s) {
            err << QStringLiteral("tune-threads: %1/%2: %3 workers + %4 threads: %5 samples/s\n")
                       .arg(index + 1)
                       .arg(count)
                       .arg(s.loaderWorkers)
                       .arg(s.intraOpThreads)
                       .arg(s.samplesPerSecond, 0, 'f', 0)
                << Qt::flush;
        });
    return storeAndPrint(args, spec, QStringLiteral("threads"), result.toJson(), [&](qint64 id) {
        QTextStream& out = standardOutput();
        out << QStringLiteral("%1 %2 %3\n")
                   .arg(QStringLiteral("workers"), 8)
                   .arg(QStringLiteral("threads"), 8)
                   .arg(QStringLiteral("samples/s"), 10);
        for (qsizetype i = 0; i < result.splits.size(); ++i) {
            const ThreadSplit& s = result.splits[i];
            out << QStringLiteral("%1 %2 %3%4\n")
                       .arg(s.loaderWorkers, 8)
                       .arg(s.intraOpThreads, 8)
                       .arg(s.samplesPerSecond, 10, 'f', 0)
                       .arg(i == result.best      ? QStringLiteral("  best")
                            : i == result.current ? QStringLiteral("  the spec's now")
                                                  : QString());
        }
        if (const ThreadSplit* best = result.bestSplit())
            out << QStringLiteral("on %1 cores at batch %2: set training.threads=%3 and "
                                  "dataset.loader.workers=%4 (%5x the spec's split)\n")
                       .arg(result.cores)
                       .arg(result.batchSize)
                       .arg(best->threads())
                       .arg(best->loaderWorkers)
                       .arg(result.speedup(), 0, 'f', 2);
        out << QStringLiteral("%1 probes in %2 s; stored as pre-flight result %3\n")
                   .arg(result.splits.size() * 2)
                   .arg(result.seconds, 0, 'f', 1)
                   .arg(id);
    });
}

} // namespace trainlab::cli

namespace trainlab::cli {

int estimateCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("usage: trainlab-cli estimate SPEC [--seconds S] [--db P] "
                                        "[--set path=value]... [--json]"));
    EstimateOptions options;
    options.probeSeconds =
        numberOption(args.seconds, "estimate", "--seconds", options.probeSeconds);
    checkEstimateOptions(options); // before the data is read: a typo costs nothing
    // A sweep is estimated on its base spec, one trial's worth, then scaled to its trials.
    const QString path = args.positional.first();
    QJsonObject json = readJsonFile(path);
    std::optional<SweepDefinition> sweep;
    ExperimentSpec spec;
    if (json.contains(QStringLiteral("sweep"))) {
        applyOverrides(json, args.sets);
        sweep = sweepDefinitionFromJson(json, path);
        if (sweep->sweep.external())
            throw InputError(QStringLiteral("estimate: %1 sweeps an external command; there is "
                                            "no model to probe")
                                 .arg(path));
        spec = specFromJson(sweep->base, path);
    } else {
        spec = loadSpecFile(path, args.sets);
    }
    const CostSettings costs =
        CostSettings::resolve(WorkspaceReader(databasePath(args)).settings());
    if (spec.training.distill.enabled()) { // the probe trains with the teacher a run would use
        StoreWriter store(databasePath(args));
        options.teacher = teacherOf(store, spec.training.distill);
    }
    QTextStream(stderr) << QStringLiteral("estimate: probing %1 for %2 s\n")
                               .arg(spec.name)
                               .arg(options.probeSeconds)
                        << Qt::flush;
    RunEstimate estimate = estimateRun(spec, options, costs);
    if (sweep) {
        const QString rule = sweep->sweep.earlyStop.type;
        scaleToSweep(estimate, sweep->sweep.trials, sweep->sweep.parallel,
                     rule != QLatin1String("none"));
    }
    return storeAndPrint(args, spec, QStringLiteral("estimate"), estimate.toJson(), [&](qint64 id) {
        QTextStream& out = standardOutput();
        const RunEstimate& e = estimate;
        out << QStringLiteral("%1 on %2 (%3 threads): %4 samples/s training, %5 evaluating\n")
                   .arg(spec.name, e.device)
                   .arg(e.threads)
                   .arg(e.trainSamplesPerSecond, 0, 'f', 0)
                   .arg(e.evalSamplesPerSecond, 0, 'f', 0);
        out << QStringLiteral("  %1 steps (%2 epochs): read %3 + train %4 + evaluate %5 + "
                              "checkpoints %6\n")
                   .arg(e.steps)
                   .arg(e.epochs, 0, 'g', 3)
                   .arg(durationText(e.readSeconds), durationText(e.trainSeconds),
                        durationText(e.evalSeconds), durationText(e.checkpointSeconds));
        out << QStringLiteral("  a run: %1%2; CPU time %3\n")
                   .arg(e.mayEndEarly ? QStringLiteral("at most ") : QString(),
                        durationText(e.seconds), durationText(e.cpuSeconds));
        out << QStringLiteral("  energy %1 kJ (%2), %3 device-hours, cost %4\n")
                   .arg(e.energyJ / 1000, 0, 'f', 1)
                   .arg(e.energySource)
                   .arg(e.deviceHours, 0, 'f', 3)
                   .arg(e.cost ? QString::number(*e.cost, 'f', 2)
                               : QStringLiteral("- (set price_per_kwh or price_per_device_hour)"));
        if (e.trials > 1)
            out << QStringLiteral("  the sweep, %1 trials%2: %3\n")
                       .arg(e.trials)
                       .arg(e.pruning ? QStringLiteral(" (pruned trials stop sooner)") : QString())
                       .arg(e.summaryLine());
        out << QStringLiteral("probed in %1 s; stored as pre-flight result %2\n")
                   .arg(e.probeSeconds, 0, 'f', 1)
                   .arg(id);
    });
}

} // namespace trainlab::cli
