#include "CliArgs.h"

#include "base/Errors.h"

namespace trainlab::cli {

CliArgs parseCliArgs(const QStringList& arguments) {
    CliArgs args;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        auto value = [&]() -> QString {
            if (i + 1 >= arguments.size())
                throw InputError(QStringLiteral("%1 needs a value").arg(arg));
            return arguments[++i];
        };
        if (arg == QLatin1String("--db"))
            args.db = value();
        else if (arg == QLatin1String("--set"))
            args.sets << value();
        else if (arg == QLatin1String("--devices"))
            args.devices = value();
        else if (arg == QLatin1String("--resume"))
            args.resumeSweep = value();
        else if (arg == QLatin1String("--more-trials"))
            args.moreTrials = value();
        else if (arg == QLatin1String("--nnodes"))
            args.nodes = value();
        else if (arg == QLatin1String("--node-rank"))
            args.nodeRank = value();
        else if (arg == QLatin1String("--master"))
            args.master = value();
        else if (arg == QLatin1String("--out"))
            args.out = value();
        else if (arg == QLatin1String("--steps"))
            args.steps = value();
        else if (arg == QLatin1String("--min-lr"))
            args.minLr = value();
        else if (arg == QLatin1String("--max-lr"))
            args.maxLr = value();
        else if (arg == QLatin1String("--max-batch"))
            args.maxBatch = value();
        else if (arg == QLatin1String("--memory"))
            args.memory = value();
        else if (arg == QLatin1String("--target"))
            args.target = value();
        else if (arg == QLatin1String("--cores"))
            args.cores = value();
        else if (arg == QLatin1String("--seconds"))
            args.seconds = value();
        else if (arg == QLatin1String("--batch"))
            args.batch = value();
        else if (arg == QLatin1String("--kind"))
            args.kind = value();
        else if (arg == QLatin1String("--baseline"))
            args.baseline = value();
        else if (arg == QLatin1String("--name"))
            args.metricName = value();
        else if (arg == QLatin1String("--json"))
            args.json = true;
        else if (arg == QLatin1String("--csv"))
            args.csv = true;
        else if (arg == QLatin1String("--remove"))
            args.remove = true;
        else if (arg == QLatin1String("--yes"))
            args.yes = true;
        else if (arg == QLatin1String("--help") || arg == QLatin1String("-h"))
            args.help = true;
        else if (arg.startsWith(QLatin1String("--")))
            throw InputError(
                QStringLiteral("unknown option %1 (see trainlab-cli --help)").arg(arg));
        else if (args.command.isEmpty())
            args.command = arg;
        else
            args.positional << arg;
    }
    return args;
}

QString usageText() {
    return QStringLiteral(
        "usage: trainlab-cli COMMAND ...\n"
        "\n"
        "  validate SPEC [--set path=value]...      check a spec; every error with its path\n"
        "  run SPEC [--db P] [--set path=value]... [--devices LIST] [--json]\n"
        "                                           train; Ctrl-C stops after the current step\n"
        "  run SPEC ... --nnodes N --node-rank K --master ADDR:PORT\n"
        "                                           one run on N nodes (processes), each with\n"
        "                                           a rank per device of SPEC; node 0 serves\n"
        "                                           ADDR:PORT and alone writes the run "
        "(torchrun's\n"
        "                                           MASTER_ADDR, RANK, WORLD_SIZE... also work)\n"
        "  resume RUN [--db P] [--json] [--nnodes N --node-rank K --master ADDR:PORT]\n"
        "                                           continue a cancelled or interrupted run, on\n"
        "                                           as many ranks as it trained on\n"
        "  runs [--db P] [--json]                   list runs\n"
        "  sweep SPEC [--db P] [--set path=value]... [--json]\n"
        "  sweep --resume SWEEP [--more-trials N] [--db P] [--json]\n"
        "                                           run or continue a hyperparameter sweep;\n"
        "                                           N trials beyond its total, even if ended\n"
        "  sweeps [--db P] [--json]                 list sweeps\n"
        "  show-sweep SWEEP [--db P] [--json]       trials, best, Pareto front, importance\n"
        "  show RUN [--db P] [--json]               one run: status, params, final/best metrics\n"
        "  report RUN [--baseline RUN] [--db P] [--csv | --json]\n"
        "                                           test evaluation: per-class precision,\n"
        "                                           recall, F1, confusion matrix, ROC/PR AUC;\n"
        "                                           cost: time, energy, money, techniques, and\n"
        "                                           what it saved against the baseline\n"
        "  compare RUN RUN... [--db P] [--json]     config fields that differ, final/best metrics\n"
        "  compare RUN RUN... --csv [--db P]        every metric series of the runs as CSV\n"
        "  metrics RUN [--name NAME] [--db P] [--csv | --json]\n"
        "                                           logged metric values\n"
        "  tag RUN TAG... [--remove] [--db P]       add tags to a run (or remove them)\n"
        "  note RUN TEXT [--db P]                   set a run's note (\"\" removes it)\n"
        "  delete RUN... [--yes] [--db P]           delete runs for good: rows and checkpoint\n"
        "                                           files (asks first; --yes when not a terminal)\n"
        "  lr-find SPEC [--steps N] [--min-lr X] [--max-lr Y] [--db P] [--set path=value]...\n"
        "        [--json]                           learning-rate range test: loss against a\n"
        "                                           growing rate, a suggested rate; stored\n"
        "  batch-find SPEC [--target N] [--max-batch N] [--memory SIZE] [--db P]\n"
        "        [--set path=value]... [--json]     the largest batch that fits (doubling; SIZE\n"
        "                                           like 4G caps a CPU step's memory) and the\n"
        "                                           accumulation that reaches batch N; stored\n"
        "  tune-threads SPEC [--cores N] [--seconds S] [--batch N] [--db P]\n"
        "        [--set path=value]... [--json]     samples/s of each split of N cores between\n"
        "                                           loader workers and intra-op threads; stored\n"
        "  estimate SPEC [--seconds S] [--db P] [--set path=value]... [--json]\n"
        "                                           a run's (or sweep's) time, energy and cost\n"
        "                                           from S seconds of its training; stored\n"
        "  preflight [--kind lr_find|batch_size|threads|estimate] [--db P] [--json]\n"
        "                                           stored pre-flight results, newest last\n"
        "  devices [--json]                         devices this machine can train on\n"
        "  settings [--db P] [--json]               cost settings: value and where it comes from\n"
        "  settings set KEY VALUE | unset KEY [--db P]\n"
        "                                           price_per_kwh, price_per_device_hour,\n"
        "                                           watts_per_core (TRAINLAB_<KEY> overrides)\n"
        "  data inspect SPEC [--json]               counts per split, classes, histogram, shapes\n"
        "  model summary SPEC [--json]              per layer: output shape, params, FLOPs, "
        "memory\n"
        "  export RUN --out DIR [--db P] [--json]   spec, torch.load-able weights, "
        "normalization\n"
        "  predict RUN INPUT... [--db P] [--json]   class probabilities for image files or CSV "
        "rows\n"
        "  quantize RUN [--db P] [--json]           int8 linear layers: size, latency, accuracy\n"
        "\n"
        "Exit codes: 0 success; 1 the run or sweep failed while running (or was cancelled);\n"
        "2 bad usage or bad input (spec, data file, absent device, model that does not fit);\n"
        "3 the environment failed (disk full, database locked or corrupt, out of memory).\n"
        "The database defaults to $XDG_DATA_HOME/trainlab/trainlab.db.\n");
}

} // namespace trainlab::cli
