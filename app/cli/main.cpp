#include "CliArgs.h"
#include "Commands.h"

#include "base/AllocatorTuning.h"
#include "base/Errors.h"

#include <QCoreApplication>
#include <QTextStream>
#include <functional>
#include <map>

using namespace trainlab;
using namespace trainlab::cli;

int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("trainlab"));
    QTextStream err(stderr);
    const std::map<QString, std::function<int(const CliArgs&)>> commands = {
        {QStringLiteral("validate"), validateCommand},
        {QStringLiteral("run"), runCommand},
        {QStringLiteral("resume"), resumeCommand},
        {QStringLiteral("runs"), runsCommand},
        {QStringLiteral("show"), showCommand},
        {QStringLiteral("metrics"), metricsCommand},
        {QStringLiteral("devices"), devicesCommand},
        {QStringLiteral("data"), dataCommand},
        {QStringLiteral("model"), modelCommand},
        {QStringLiteral("sweep"), sweepCommand},
        {QStringLiteral("sweeps"), sweepsCommand},
        {QStringLiteral("show-sweep"), showSweepCommand},
        {QStringLiteral("settings"), settingsCommand},
        {QStringLiteral("export"), exportCommand},
        {QStringLiteral("predict"), predictCommand},
        {QStringLiteral("quantize"), quantizeCommand},
        {QStringLiteral("report"), reportCommand},
    };
    int code = kExitOk;
    QString command;
    try {
        const CliArgs args = parseCliArgs(QCoreApplication::arguments().mid(1));
        command = args.command;
        if (args.help || args.command.isEmpty()) {
            standardOutput() << usageText();
            standardOutput().flush();
            return args.help ? kExitOk : kExitBadInput;
        }
        const auto command = commands.find(args.command);
        if (command == commands.end())
            throw InputError(
                QStringLiteral("unknown command '%1' (see trainlab-cli --help)").arg(args.command));
        code = command->second(args);
    } catch (const std::exception& e) {
        // One line naming what is at fault; the exit code says whose fault it was. Asked to
        // validate, a spec's every problem is listed, one a line under the file's name.
        const auto* spec = dynamic_cast<const SpecError*>(&e);
        err << "trainlab-cli: "
            << (spec && command == QLatin1String("validate") && spec->problems().size() > 1
                    ? spec->message()
                    : firstLineOf(e))
            << Qt::endl;
        switch (failureKindOf(e)) {
        case FailureKind::BadInput:
            code = kExitBadInput;
            break;
        case FailureKind::Environment:
            code = kExitEnvironment;
            break;
        case FailureKind::None:
        case FailureKind::Runtime:
            code = kExitRunFailed;
            break;
        }
    }
    standardOutput().flush();
    return code;
}
