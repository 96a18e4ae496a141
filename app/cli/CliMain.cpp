#include "CliMain.h"

#include "Commands.h"

#include "base/Errors.h"

#include <QTextStream>

namespace trainlab::cli {

int runCommandLine(const QStringList& arguments, const CommandTable& commands) {
    QTextStream err(stderr);
    int code = kExitOk;
    QString name;
    try {
        const CliArgs args = parseCliArgs(arguments);
        name = args.command;
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
            << (spec && name == QLatin1String("validate") && spec->problems().size() > 1
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

} // namespace trainlab::cli
