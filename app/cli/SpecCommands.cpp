#include "Commands.h"

#include "base/Errors.h"
#include "jobs/SweepDefinition.h"
#include "parallel/Devices.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

// The verbs that read a spec or ask LibTorch for devices: engine only (see EngineMain.cpp).
namespace trainlab::cli {

namespace {

QTextStream& out() {
    return standardOutput();
}

} // namespace

int validateCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("validate takes one spec file"));
    QJsonObject json = readJsonFile(args.positional.first());
    if (json.contains(QStringLiteral("sweep"))) {
        applyOverrides(json, args.sets);
        const SweepDefinition sweep = sweepDefinitionFromJson(json, args.positional.first());
        out() << args.positional.first() << ": valid sweep (" << sweep.name << ", "
              << sweep.sweep.strategy << ", " << sweep.sweep.trials << " trials)\n";
        return kExitOk;
    }
    const ExperimentSpec spec = loadSpecFile(args.positional.first(), args.sets);
    if (args.json)
        printJson(specToJson(spec));
    else
        out() << args.positional.first() << ": valid (" << spec.name << ")\n";
    return kExitOk;
}

int devicesCommand(const CliArgs& args) {
    const auto devices = availableDevices();
    if (args.json) {
        QJsonArray array;
        for (const DeviceInfo& d : devices)
            array.append(QJsonObject{{QStringLiteral("name"), d.name},
                                     {QStringLiteral("description"), d.description}});
        printJson(array);
        return kExitOk;
    }
    for (const DeviceInfo& d : devices)
        out() << d.name << "  " << d.description << "\n";
    return kExitOk;
}

} // namespace trainlab::cli
