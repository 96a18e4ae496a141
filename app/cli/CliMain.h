#pragma once

#include "CliArgs.h"

#include <QString>
#include <functional>
#include <map>

namespace trainlab::cli {

using Command = std::function<int(const CliArgs&)>;
using CommandTable = std::map<QString, Command>;

/// Runs the verb `args` names from `commands` and turns what it throws into one line on stderr
/// and the contract's exit code. `--help` and an empty command print the usage.
int runCommandLine(const QStringList& arguments, const CommandTable& commands);

} // namespace trainlab::cli
