#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace trainlab::cli {

/// Exit codes of the CLI contract.
enum ExitCode { kExitOk = 0, kExitRunFailed = 1, kExitBadInput = 2, kExitEnvironment = 3 };

/// The parsed command line: `trainlab-cli COMMAND [SUBCOMMAND] POSITIONAL... [OPTIONS]`.
struct CliArgs {
    QString command;
    QStringList positional;
    QString db;
    QStringList sets;
    QString devices;
    QString metricName;
    QString resumeSweep; ///< sweep --resume ID
    QString moreTrials;  ///< sweep --resume ID --more-trials N
    // run / resume across processes: --nnodes N --node-rank K --master ADDR:PORT, as typed
    QString nodes;
    QString nodeRank;
    QString master;
    QString out; ///< export --out DIR
    // lr-find --steps N --min-lr X --max-lr Y, as typed
    QString steps;
    QString minLr;
    QString maxLr;
    // batch-find --max-batch N --memory SIZE --target N; tune-threads --cores N --seconds S
    // --batch N, as typed
    QString maxBatch;
    QString memory;
    QString target;
    QString cores;
    QString seconds;
    QString batch;
    QString kind;     ///< preflight --kind K
    QString baseline; ///< report --baseline RUN
    bool json = false;
    bool csv = false;
    bool help = false;
    bool remove = false; ///< tag --remove
    bool yes = false;    ///< delete --yes: no question asked
};

/// Parses argv (without the program name). Throws InputError on an unknown option or a
/// missing option value.
CliArgs parseCliArgs(const QStringList& arguments);

QString usageText();

} // namespace trainlab::cli
