#include "Commands.h"

#include "base/Errors.h"
#include "data/DatasetInspection.h"
#include "spec/SpecJson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trainlab::cli {

namespace {

void printInspection(const QJsonObject& info) {
    QTextStream& out = standardOutput();
    const QJsonObject counts = info.value(QStringLiteral("counts")).toObject();
    out << "source      " << info.value(QStringLiteral("source")).toString() << " ("
        << info.value(QStringLiteral("task")).toString() << ")\n";
    out << "samples     train " << counts.value(QStringLiteral("train")).toInteger()
        << ", validation " << counts.value(QStringLiteral("validation")).toInteger() << ", test "
        << counts.value(QStringLiteral("test")).toInteger() << "\n";
    QStringList shape;
    for (const auto& d : info.value(QStringLiteral("sample_shape")).toArray())
        shape << QString::number(d.toInteger());
    out << "sample      [" << shape.join(QStringLiteral(", ")) << "]"
        << (info.value(QStringLiteral("images")).toBool() ? " pixels" : " features") << "\n";
    out << "loaded in   "
        << QString::number(info.value(QStringLiteral("load_seconds")).toDouble(), 'f', 3) << " s"
        << (info.value(QStringLiteral("from_cache")).toBool() ? " (cache)" : "") << "\n";
    const QJsonArray classes = info.value(QStringLiteral("classes")).toArray();
    if (classes.isEmpty())
        return;
    const QJsonObject histogram = info.value(QStringLiteral("histogram")).toObject();
    out << QStringLiteral("%1 %2 %3 %4\n")
               .arg(QStringLiteral("class"), -20)
               .arg(QStringLiteral("train"), 8)
               .arg(QStringLiteral("val"), 8)
               .arg(QStringLiteral("test"), 8);
    for (qsizetype k = 0; k < classes.size(); ++k) {
        auto count = [&](const char* split) {
            return histogram.value(QLatin1String(split)).toArray().at(k).toInteger();
        };
        out << QStringLiteral("%1 %2 %3 %4\n")
                   .arg(classes[k].toString(), -20)
                   .arg(count("train"), 8)
                   .arg(count("validation"), 8)
                   .arg(count("test"), 8);
    }
}

} // namespace

int dataCommand(const CliArgs& args) {
    if (args.positional.size() != 2 || args.positional.first() != QLatin1String("inspect"))
        throw InputError(QStringLiteral("usage: trainlab-cli data inspect SPEC [--json]"));
    const ExperimentSpec spec = loadSpecFile(args.positional.at(1), args.sets);
    const QJsonObject info = inspectDataset(spec.dataset, spec.training.seed);
    if (args.json)
        printJson(info);
    else
        printInspection(info);
    return kExitOk;
}

} // namespace trainlab::cli
