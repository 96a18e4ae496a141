// How close the pre-flight estimate comes to the run it estimates: for each case, the time
// `trainlab-cli estimate` predicts (from its default 2 s probe) against the wall time of the
// same `trainlab-cli run` right after, both as a user types them, and the ratio estimate/actual
// (1.00 = exact; the reference is the real run, measured in the same round). A CLI run also
// pays for starting the engine and loading LibTorch, which a run from the window does not: the
// wall time of `trainlab-cli validate SPEC` (the same start, no work) in the same round is
// subtracted for the second ratio. Rounds alternate the cases. The workspace is a temporary one.
//
// Usage: bench_estimate [--rounds R] [--source-dir DIR]
// Not a test: run it by hand (it trains on Fashion-MNIST); figures go to stdout.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <vector>

namespace {

struct Case {
    QString label;
    QString spec; ///< relative to the source tree
    QStringList sets;
};

QByteArray runCli(const QStringList& args, double* seconds) {
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(QStringLiteral(TRAINLAB_CLI_PATH), args);
    process.waitForFinished(-1);
    *seconds = double(clock.nsecsElapsed()) / 1e9;
    if (process.exitCode() != 0)
        qFatal("trainlab-cli %s failed: %s", qPrintable(args.join(QLatin1Char(' '))),
               process.readAllStandardError().constData());
    return process.readAllStandardOutput();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    int rounds = 3;
    QString source = QStringLiteral(TRAINLAB_SOURCE_DIR);
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--rounds"))
            rounds = args[++i].toInt();
        else if (args[i] == QLatin1String("--source-dir"))
            source = args[++i];
    }
    const std::vector<Case> cases{
        {QStringLiteral("mlp, 20k images, 3 epochs"),
         QStringLiteral("experiments/fashion_mlp.json"),
         {QStringLiteral("dataset.max_train_samples=20000"), QStringLiteral("training.epochs=3")}},
        {QStringLiteral("cnn, 6k images, 2 epochs"),
         QStringLiteral("experiments/fashion_cnn.json"),
         {QStringLiteral("dataset.max_train_samples=6000"), QStringLiteral("training.epochs=2")}},
    };
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("bench.db"));
    QTextStream out(stdout);
    std::vector<std::vector<double>> ratios(cases.size());
    std::vector<std::vector<double>> netRatios(cases.size());
    std::vector<std::vector<double>> actuals(cases.size());
    for (int round = 0; round < rounds; ++round)
        for (size_t k = 0; k < cases.size(); ++k) {
            const size_t c = (k + size_t(round)) % cases.size(); // alternate which goes first
            QStringList common{source + QLatin1Char('/') + cases[c].spec, QStringLiteral("--db"),
                               db};
            for (const QString& set : cases[c].sets)
                common << QStringLiteral("--set") << set;
            double estimateWall = 0;
            const QJsonObject estimate =
                QJsonDocument::fromJson(runCli(QStringList{QStringLiteral("estimate")} + common +
                                                   QStringList{QStringLiteral("--json")},
                                               &estimateWall))
                    .object();
            double actual = 0;
            runCli(QStringList{QStringLiteral("run")} + common, &actual);
            double startup = 0;
            QStringList validate{QStringLiteral("validate"), common.front()};
            for (const QString& set : cases[c].sets)
                validate << QStringLiteral("--set") << set;
            runCli(validate, &startup);
            const double predicted = estimate.value(QStringLiteral("seconds")).toDouble();
            ratios[c].push_back(predicted / actual);
            netRatios[c].push_back(predicted / (actual - startup));
            actuals[c].push_back(actual);
            out << QStringLiteral("round %1  %2: estimate %3 s (probe took %4 s), run %5 s "
                                  "(of which starting %6 s), ratio %7, without the start %8\n")
                       .arg(round + 1)
                       .arg(cases[c].label)
                       .arg(predicted, 0, 'f', 1)
                       .arg(estimateWall, 0, 'f', 1)
                       .arg(actual, 0, 'f', 1)
                       .arg(startup, 0, 'f', 1)
                       .arg(predicted / actual, 0, 'f', 2)
                       .arg(predicted / (actual - startup), 0, 'f', 2)
                << Qt::flush;
        }
    for (size_t c = 0; c < cases.size(); ++c) {
        const auto [low, high] = std::minmax_element(ratios[c].begin(), ratios[c].end());
        const auto [netLow, netHigh] =
            std::minmax_element(netRatios[c].begin(), netRatios[c].end());
        out << QStringLiteral("%1: estimate/actual median %2 (%3-%4); without the engine's start "
                              "%5 (%6-%7); actual median %8 s\n")
                   .arg(cases[c].label)
                   .arg(median(ratios[c]), 0, 'f', 2)
                   .arg(*low, 0, 'f', 2)
                   .arg(*high, 0, 'f', 2)
                   .arg(median(netRatios[c]), 0, 'f', 2)
                   .arg(*netLow, 0, 'f', 2)
                   .arg(*netHigh, 0, 'f', 2)
                   .arg(median(actuals[c]), 0, 'f', 1);
    }
    return 0;
}
