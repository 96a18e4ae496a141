#include "Commands.h"

#include "base/Errors.h"
#include "spec/SpecJson.h"
#include "train/SpecSummary.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab::cli {

namespace {

QString humanBytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 3) {
        bytes /= 1024;
        ++unit;
    }
    return QString::number(bytes, 'f', unit ? 1 : 0) + QLatin1Char(' ') +
           QLatin1String(units[unit]);
}

QString shapeText(const QJsonArray& shape) {
    QStringList parts;
    for (const auto& d : shape)
        parts << QString::number(d.toInteger());
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace

int modelCommand(const CliArgs& args) {
    if (args.positional.size() != 2 || args.positional.first() != QLatin1String("summary"))
        throw InputError(QStringLiteral("usage: trainlab-cli model summary SPEC [--json]"));
    const ExperimentSpec spec = loadSpecFile(args.positional.at(1), args.sets);
    const QJsonObject summary = specModelSummaryJson(spec);
    if (args.json) {
        printJson(summary);
        return kExitOk;
    }
    QTextStream& out = standardOutput();
    out << QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(QStringLiteral("layer"), -34)
               .arg(QStringLiteral("output"), -16)
               .arg(QStringLiteral("params"), 10)
               .arg(QStringLiteral("MFLOPs"), 10)
               .arg(QStringLiteral("activations"), 12);
    for (const auto& value : summary.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject row = value.toObject();
        const QString indent(2 * row.value(QStringLiteral("depth")).toInt(), QLatin1Char(' '));
        out << QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(indent + row.value(QStringLiteral("type")).toString(), -34)
                   .arg(shapeText(row.value(QStringLiteral("output_shape")).toArray()), -16)
                   .arg(row.value(QStringLiteral("parameters")).toInteger(), 10)
                   .arg(row.value(QStringLiteral("flops")).toDouble() / 1e6, 10, 'f', 3)
                   .arg(humanBytes(row.value(QStringLiteral("activation_bytes")).toDouble()), 12);
    }
    const QJsonObject sizes = summary.value(QStringLiteral("size_bytes")).toObject();
    out << "input " << shapeText(summary.value(QStringLiteral("input_shape")).toArray()) << ", "
        << summary.value(QStringLiteral("parameters")).toInteger() << " parameters ("
        << humanBytes(sizes.value(QStringLiteral("fp32")).toDouble()) << " fp32, "
        << humanBytes(sizes.value(QStringLiteral("bf16")).toDouble()) << " bf16/fp16), "
        << QString::number(summary.value(QStringLiteral("flops_per_sample")).toDouble() / 1e6, 'f',
                           2)
        << " MFLOPs per sample, activations "
        << humanBytes(summary.value(QStringLiteral("activation_bytes")).toDouble()) << " at batch "
        << summary.value(QStringLiteral("batch_size")).toInt() << "\n";
    return kExitOk;
}

} // namespace trainlab::cli
