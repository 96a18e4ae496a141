#pragma once

#include "CliArgs.h"
#include "CliMain.h"

#include <QJsonValue>
#include <QTextStream>

namespace trainlab::cli {

/// Each command returns the process exit code. JSON goes to stdout alone; progress and errors
/// go to stderr.
int validateCommand(const CliArgs& args);
int runCommand(const CliArgs& args);
int resumeCommand(const CliArgs& args);
int runsCommand(const CliArgs& args);
int showCommand(const CliArgs& args);
int metricsCommand(const CliArgs& args);
int devicesCommand(const CliArgs& args);
int dataCommand(const CliArgs& args);
int modelCommand(const CliArgs& args);
int sweepCommand(const CliArgs& args);
int sweepsCommand(const CliArgs& args);
int showSweepCommand(const CliArgs& args);
int settingsCommand(const CliArgs& args);
int exportCommand(const CliArgs& args);
int predictCommand(const CliArgs& args);
int quantizeCommand(const CliArgs& args);
// RunEditCommands.cpp: store headers only (the torch-free front can answer them).
int tagCommand(const CliArgs& args);
int noteCommand(const CliArgs& args);
int deleteCommand(const CliArgs& args);
// PreflightCommands.cpp (engine)
int lrFindCommand(const CliArgs& args);
int batchFindCommand(const CliArgs& args);
int tuneThreadsCommand(const CliArgs& args);
int estimateCommand(const CliArgs& args);
int preflightCommand(const CliArgs& args); // PreflightListCommand.cpp: store headers only
int reportCommand(const CliArgs& args);
int compareCommand(const CliArgs& args); // CompareCommand.cpp: store headers only //
                                         // ReportCommand.cpp: store headers only

/// The verbs that need no LibTorch: runs, show, metrics, sweeps, show-sweep, settings,
/// tag, note, delete, report, compare, preflight.
/// trainlab-cli answers them in its own process.
CommandTable queryCommands();

/// --db, or the default workspace database.
QString databasePath(const CliArgs& args);
/// Parses a run id argument; throws InputError when it is not a positive integer.
qint64 runIdArgument(const CliArgs& args);
void printJson(const QJsonValue& value);
/// "2.68x faster" or "1.40x slower": an int8 model's speed against fp32's.
QString speedText(double speedup);
/// The human-readable form of a `show-sweep` document.
void printSweepText(const QJsonObject& report);
/// Buffered stdout; main flushes it before exit.
QTextStream& standardOutput();

} // namespace trainlab::cli
