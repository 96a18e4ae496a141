#include "Commands.h"

#include "base/Errors.h"
#include "data/FileBytes.h"
#include "deploy/RunExport.h"
#include "deploy/RunPrediction.h"
#include "deploy/RunQuantization.h"

#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <numeric>

namespace trainlab::cli {

namespace {

QTextStream& out() {
    return standardOutput();
}

qint64 runIdOf(const QString& text) {
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw InputError(QStringLiteral("'%1' is not a run id (a positive number)").arg(text));
    return id;
}

// "Coat 0.912, Shirt 0.071, Pullover 0.011": the three likeliest classes.
QString likeliest(const QJsonObject& prediction, const QJsonArray& classes) {
    const QJsonArray probabilities = prediction.value(QStringLiteral("probabilities")).toArray();
    std::vector<qsizetype> order(size_t(probabilities.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        return probabilities[a].toDouble() > probabilities[b].toDouble();
    });
    QStringList parts;
    for (size_t i = 0; i < std::min<size_t>(3, order.size()); ++i)
        parts << QStringLiteral("%1 %2")
                     .arg(classes[order[i]].toString())
                     .arg(probabilities[order[i]].toDouble(), 0, 'f', 3);
    return parts.join(QStringLiteral(", "));
}

QString metricText(const QJsonObject& report, const QString& metric) {
    const double before = report.value(QStringLiteral("fp32")).toObject().value(metric).toDouble();
    const double after = report.value(QStringLiteral("int8")).toObject().value(metric).toDouble();
    return QStringLiteral("  %1  fp32 %2  int8 %3  (%4%5)\n")
        .arg(metric, -16)
        .arg(before, 0, 'f', 4)
        .arg(after, 0, 'f', 4)
        .arg(after >= before ? QStringLiteral("+") : QString())
        .arg(after - before, 0, 'f', 4);
}

} // namespace

int exportCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    if (args.out.isEmpty())
        throw InputError(QStringLiteral("export needs --out DIR (the folder to write)"));
    const QJsonObject result = exportRun(databasePath(args), id, args.out);
    if (args.json) {
        printJson(result);
        return kExitOk;
    }
    QStringList files;
    for (const auto& file : result.value(QStringLiteral("files")).toArray())
        files << file.toString();
    out() << "run " << id << " exported to " << result.value(QStringLiteral("dir")).toString()
          << ": " << files.join(QStringLiteral(", ")) << "\n";
    return kExitOk;
}

int predictCommand(const CliArgs& args) {
    if (args.positional.size() < 2)
        throw InputError(QStringLiteral("usage: trainlab-cli predict RUN INPUT... (image files "
                                        "or CSV files of rows)"));
    const qint64 id = runIdOf(args.positional.first());
    const QJsonObject result = predictRun(databasePath(args), id, args.positional.mid(1));
    if (args.json) {
        printJson(result);
        return kExitOk;
    }
    const QJsonArray classes = result.value(QStringLiteral("classes")).toArray();
    for (const auto& value : result.value(QStringLiteral("predictions")).toArray()) {
        const QJsonObject prediction = value.toObject();
        out() << prediction.value(QStringLiteral("input")).toString() << "  ";
        if (prediction.contains(QStringLiteral("value")))
            out() << QString::number(prediction.value(QStringLiteral("value")).toDouble(), 'g', 6);
        else
            out() << prediction.value(QStringLiteral("class")).toString() << "  ("
                  << likeliest(prediction, classes) << ")";
        out() << "\n";
    }
    return kExitOk;
}

int quantizeCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    const QJsonObject report = quantizeRun(databasePath(args), id);
    if (args.json) {
        printJson(report);
        return kExitOk;
    }
    const QJsonObject size = report.value(QStringLiteral("size_bytes")).toObject();
    const QJsonObject latency = report.value(QStringLiteral("latency_ms")).toObject();
    out() << "run " << id << ": " << report.value(QStringLiteral("quantized_layers")).toInt()
          << " linear layers quantized to int8 ("
          << report.value(QStringLiteral("engine")).toString() << ")\n";
    out() << QStringLiteral("  size      fp32 %1  int8 %2  (%3x smaller)\n")
                 .arg(formatBytes(size.value(QStringLiteral("fp32")).toInteger()))
                 .arg(formatBytes(size.value(QStringLiteral("int8")).toInteger()))
                 .arg(report.value(QStringLiteral("size_ratio")).toDouble(), 0, 'f', 2);
    const double speedup = report.value(QStringLiteral("speedup")).toDouble();
    out() << QStringLiteral("  latency   fp32 %1 ms  int8 %2 ms per batch of %3 on %4 thread(s)  "
                            "(%5)\n")
                 .arg(latency.value(QStringLiteral("fp32")).toDouble(), 0, 'f', 3)
                 .arg(latency.value(QStringLiteral("int8")).toDouble(), 0, 'f', 3)
                 .arg(latency.value(QStringLiteral("batch")).toInt())
                 .arg(latency.value(QStringLiteral("threads")).toInt())
                 .arg(speedText(speedup));
    const QString split = report.value(QStringLiteral("split")).toString();
    const QString prefix =
        split == QLatin1String("test") ? QStringLiteral("test_") : QStringLiteral("val_");
    for (const char* name : {"accuracy", "loss", "mae"}) {
        const QString metric = prefix + QLatin1String(name);
        if (report.value(QStringLiteral("fp32")).toObject().contains(metric))
            out() << metricText(report, metric);
    }
    out() << "  int8 model: " << report.value(QStringLiteral("file")).toString() << "\n";
    return kExitOk;
}

} // namespace trainlab::cli
