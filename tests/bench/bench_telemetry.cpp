// What telemetry costs a run: samples/s of the same full run (RunJob: loader, metrics to the
// store, validation, checkpoints) with the system sampler at 1 Hz (CPU %, memory, GPUs where
// there are any, one system_samples write a second) and with it off, alternating which goes
// first in each pair so drift in the machine hits both alike. The energy series and the run's
// energy and cost are accounted on both sides; only the sampler differs. Also times one sampling
// round on its own (read /proc, write the row), the direct cost per second of training.
//
// Two ratios per pair: samples per wall second (what a user waits for), and samples per CPU
// second of this process (the sampler thread's work is counted in it). On a machine that other
// programs load, wall time swings with their load; CPU time mostly does not, so the second
// ratio is the one to trust there, and the wall ratio on a quiet machine.
//
// Usage: bench_telemetry [--pairs N] [--preset mlp|cnn2] [--epochs E] [--threads T]
// Not a test: run it by hand on a quiet machine. Prints every pair, then the median ratio
// (sampler on / off) of each kind, its spread (min-max) and mean +- standard deviation.
#include "../common/DirectJobContext.h"

#include "base/AllocatorTuning.h"
#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "telemetry/ProcessUsage.h"
#include "telemetry/SystemSampler.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <numeric>

using namespace trainlab;

namespace {

ExperimentSpec benchSpec(const QString& preset, int epochs, int threads) {
    const QString json = QStringLiteral(R"({"trainlab": 1, "name": "telemetry-%1",
        "dataset": {"source": "fashion-mnist", "validation_split": 0.02, "test_split": 0,
                    "max_test_samples": 200},
        "model": {"preset": "%1"},
        "training": {"epochs": %2, "batch_size": 64, "threads": %3,
                     "optimizer": {"type": "adam", "lr": 0.001}, "log_every_steps": 50,
                     "loss": {"type": "cross_entropy"}},
        "devices": "cpu"})")
                             .arg(preset)
                             .arg(epochs)
                             .arg(threads);
    return parseSpec(json.toUtf8(), QStringLiteral("bench"));
}

struct Side {
    double samplesPerS = 0;    ///< per wall second
    double samplesPerCpuS = 0; ///< per CPU second of this process, every thread
    qint64 samples = 0;        ///< system_samples rows the run left
};

/// The machine's one-minute load average, to tell a quiet measurement from a contended one.
QString loadAverage() {
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll().split(' ').value(0))
                                          : QStringLiteral("?");
}

double cpuSecondsNow() {
    const auto usage = readProcessUsage();
    return usage ? usage->cpuSeconds : 0;
}

// One full run into a fresh workspace, timed from the line the trainer logs just before its
// first batch to the stored end.
Side runOnce(const ExperimentSpec& spec, int telemetryIntervalMs) {
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("bench.db"));
    StoreWriter store(db);
    test::DirectJobContext context(store);
    QElapsedTimer clock;
    double cpuAtStart = 0;
    context.onMessage = [&](const QString& line) {
        if (line.startsWith(QLatin1String("model:"))) {
            clock.start();
            cpuAtStart = cpuSecondsNow();
        }
    };
    RunRequest request{spec, {}, 0};
    request.telemetryIntervalMs = telemetryIntervalMs;
    RunJob job(request);
    const JobInfo info = context.run(job);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const double cpuSeconds = cpuSecondsNow() - cpuAtStart;
    if (info.status != RunStatus::Completed)
        qFatal("run ended %s: %s", qPrintable(runStatusName(info.status)), qPrintable(info.error));
    Side side;
    const double trained = double(info.progress.step) * double(spec.training.batchSize);
    side.samplesPerS = trained / seconds;
    side.samplesPerCpuS = trained / cpuSeconds;
    store.flush();
    side.samples = WorkspaceReader(db).systemSamples(info.runId).size();
    return side;
}

// One sampling round as the sampler thread does it: /proc read, one row written and committed.
double sampleRoundMicroseconds(int rounds) {
    QTemporaryDir dir;
    StoreWriter store(dir.filePath(QStringLiteral("rounds.db")));
    const qint64 run =
        store.createRun({QStringLiteral("rounds"), QStringLiteral("{}"), {}, 0, 0}).id;
    SystemSampler sampler(
        run, [&](const QVector<SystemSample>& samples) { store.appendSystemSamples(samples); },
        std::chrono::hours(1)); // the thread never fires: rounds are taken here, timed
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < rounds; ++i)
        sampler.sampleNow();
    return double(clock.nsecsElapsed()) / 1e3 / rounds;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

QString summary(const QString& what, const std::vector<double>& ratios) {
    const double mean = std::accumulate(ratios.begin(), ratios.end(), 0.0) / double(ratios.size());
    double variance = 0;
    for (double r : ratios)
        variance += (r - mean) * (r - mean);
    const double stddev = ratios.size() > 1 ? std::sqrt(variance / double(ratios.size() - 1)) : 0;
    return QStringLiteral("%1 on/off: median %2, spread %3-%4, mean %5 +- %6 (cost %7 %)\n")
        .arg(what)
        .arg(median(ratios), 0, 'f', 4)
        .arg(*std::min_element(ratios.begin(), ratios.end()), 0, 'f', 4)
        .arg(*std::max_element(ratios.begin(), ratios.end()), 0, 'f', 4)
        .arg(mean, 0, 'f', 4)
        .arg(stddev, 0, 'f', 4)
        .arg((1 - median(ratios)) * 100, 0, 'f', 2);
}

} // namespace

int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse(); // as the app does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int pairs = 12;
    int threads = 2;
    int epochs = 5;
    QString preset = QStringLiteral("mlp");
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--pairs"))
            pairs = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--threads"))
            threads = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--epochs"))
            epochs = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--preset"))
            preset = args[i + 1];
    }
    QTextStream out(stdout);
    const ExperimentSpec spec = benchSpec(preset, epochs, threads);
    out << preset << ", " << epochs << " epoch(s) of Fashion-MNIST, batch 64, " << threads
        << " threads; " << pairs << " pairs, sampler at 1 Hz against off, alternating\n";
    out.flush();
    runOnce(spec, 0); // warm-up: the dataset cache, the allocator, the OpenMP pool
    std::vector<double> ratios;
    std::vector<double> cpuRatios;
    for (int pair = 0; pair < pairs; ++pair) {
        Side on;
        Side off;
        if (pair % 2 == 0) {
            on = runOnce(spec, 1000);
            off = runOnce(spec, 0);
        } else {
            off = runOnce(spec, 0);
            on = runOnce(spec, 1000);
        }
        ratios.push_back(on.samplesPerS / off.samplesPerS);
        cpuRatios.push_back(on.samplesPerCpuS / off.samplesPerCpuS);
        out << QStringLiteral("pair %1 (%2 first): on %3 samples/s, %4 per CPU s (%5 system "
                              "samples); off %6 samples/s, %7 per CPU s (%8); on/off wall %9, "
                              "CPU %10; load %11\n")
                   .arg(pair + 1)
                   .arg(pair % 2 == 0 ? QStringLiteral("on") : QStringLiteral("off"))
                   .arg(on.samplesPerS, 0, 'f', 0)
                   .arg(on.samplesPerCpuS, 0, 'f', 0)
                   .arg(on.samples)
                   .arg(off.samplesPerS, 0, 'f', 0)
                   .arg(off.samplesPerCpuS, 0, 'f', 0)
                   .arg(off.samples)
                   .arg(ratios.back(), 0, 'f', 4)
                   .arg(cpuRatios.back(), 0, 'f', 4)
                   .arg(loadAverage());
        out.flush();
    }
    out << summary(QStringLiteral("samples per wall second"), ratios)
        << summary(QStringLiteral("samples per CPU second"), cpuRatios);
    const double roundUs = sampleRoundMicroseconds(200);
    out << QStringLiteral("one sampling round (read /proc, write and commit its row): %1 us, "
                          "%2 % of each second at 1 Hz\n")
               .arg(roundUs, 0, 'f', 0)
               .arg(roundUs / 1e4, 0, 'f', 3);
    return 0;
}
