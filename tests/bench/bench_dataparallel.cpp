// Data parallel on one machine's CPU: the cnn2 preset on a Fashion-MNIST subset, trained by
// 2 ranks of 1 intra-op thread each (DataParallelTrainer: Gloo over loopback, gradients
// all-reduced every step) against 1 rank of 2 threads (Trainer), same spec, same global batch.
// Each round trains both, the order alternating; a round's figure is the ratio of their
// training throughputs (2 ranks over 1), timed from the first logged window to the last, so
// warm-up and data preparation stay out. Prints every round, the median ratio and its spread;
// also samples per CPU-second of this process over the same window, which other programs'
// load on the machine changes far less than wall-clock throughput.
//
// Usage: bench_dataparallel [--samples N] [--rounds R] [--batch B] [--data DIR]
// Not a test: run it by hand. OMP_NUM_THREADS must be unset (it would override the threads).
#include "base/AllocatorTuning.h"
#include "data/DatasetBuilder.h"
#include "spec/SpecJson.h"
#include "train/DataParallelTrainer.h"

#include <QCoreApplication>
#include <QTextStream>
#include <algorithm>
#include <chrono>
#include <sys/resource.h>

using namespace trainlab;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kLogEverySteps = 5;

ExperimentSpec benchSpec(const QString& dataDir, qint64 samples, int batch) {
    const QString json = QStringLiteral(R"({"trainlab": 1, "name": "bench-dataparallel",
        "dataset": {"source": "idx", "validation_split": 0, "max_train_samples": %1,
                    "train": {"images": "%2/train-images-idx3-ubyte.gz",
                              "labels": "%2/train-labels-idx1-ubyte.gz"}},
        "model": {"preset": "cnn2"},
        "training": {"epochs": 1, "batch_size": %3, "optimizer": {"type": "adam", "lr": 0.001},
                     "schedule": {"type": "constant"}, "checkpoint_every_epochs": 0,
                     "log_every_steps": %4, "seed": 1},
        "devices": "cpu"})")
                             .arg(samples)
                             .arg(dataDir)
                             .arg(batch)
                             .arg(kLogEverySteps);
    return parseSpec(json.toUtf8(), QStringLiteral("bench"));
}

// This process's CPU time so far, every thread's.
double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Throughput {
    double perSecond = 0;    ///< training samples per wall-clock second
    double perCpuSecond = 0; ///< per second of this process's CPU time
};

// Training throughput between the first and the last logged window of one epoch.
Throughput throughput(const ExperimentSpec& spec, const DatasetSplits& data, int ranks) {
    RunControl control;
    int64_t firstStep = -1;
    int64_t lastStep = -1;
    Clock::time_point firstAt;
    Clock::time_point lastAt;
    double firstCpu = 0;
    double lastCpu = 0;
    TrainerCallbacks callbacks;
    callbacks.message = [](const QString&) {};
    callbacks.metric = [&](int64_t step, double, const QString& name, double) {
        if (name != QLatin1String("train_loss"))
            return;
        if (firstStep < 0) {
            firstStep = step;
            firstAt = Clock::now();
            firstCpu = cpuSeconds();
        }
        lastStep = step;
        lastAt = Clock::now();
        lastCpu = cpuSeconds();
    };
    TrainerOptions options;
    options.cpuThreads = 2; // shared by the ranks: 2 x 1 or 1 x 2
    const TrainOutcome outcome =
        ranks == 1 ? Trainer(spec, data, control, callbacks, options).run()
                   : DataParallelTrainer(spec, data, control, callbacks, options, ranks).run();
    if (outcome.status != RunStatus::Completed || lastStep <= firstStep)
        qFatal("the run did not complete enough steps to time");
    const double seconds = std::chrono::duration<double>(lastAt - firstAt).count();
    const double samples = double((lastStep - firstStep) * spec.training.batchSize);
    return {samples / seconds, samples / (lastCpu - firstCpu)};
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

} // namespace

int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse(); // as the app does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    qint64 samples = 6000;
    int rounds = 5;
    int batch = 128;
    QString dataDir = QStringLiteral("/usr/share/datasets/fashion-mnist");
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--samples"))
            samples = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--rounds"))
            rounds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--batch"))
            batch = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--data"))
            dataDir = args[i + 1];
    }
    QTextStream out(stdout);
    if (qEnvironmentVariableIsSet("OMP_NUM_THREADS")) {
        out << "unset OMP_NUM_THREADS: it overrides the threads each side is given\n";
        return 2;
    }
    const ExperimentSpec spec = benchSpec(dataDir, samples, batch);
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
    out << "cnn2, Fashion-MNIST subset of " << data.train.size() << " samples, batch " << batch
        << " (global), 1 epoch per side, timed from step " << kLogEverySteps
        << "; 2 ranks x 1 thread (Gloo) vs 1 rank x 2 threads\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
               .arg(QStringLiteral("round"), 5)
               .arg(QStringLiteral("1x2 samples/s"), 14)
               .arg(QStringLiteral("2x1 samples/s"), 14)
               .arg(QStringLiteral("2x1 / 1x2"), 10)
               .arg(QStringLiteral("1x2 per CPU-s"), 14)
               .arg(QStringLiteral("2x1 per CPU-s"), 14)
               .arg(QStringLiteral("2x1 / 1x2"), 10);
    out.flush();
    std::vector<double> ratios;
    std::vector<double> cpuRatios;
    for (int round = 0; round < rounds; ++round) {
        // Alternate which side goes first: a drift in the machine's speed hits both alike.
        Throughput single;
        Throughput parallel;
        if (round % 2 == 0) {
            single = throughput(spec, data, 1);
            parallel = throughput(spec, data, 2);
        } else {
            parallel = throughput(spec, data, 2);
            single = throughput(spec, data, 1);
        }
        ratios.push_back(parallel.perSecond / single.perSecond);
        cpuRatios.push_back(parallel.perCpuSecond / single.perCpuSecond);
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                   .arg(round + 1, 5)
                   .arg(single.perSecond, 14, 'f', 0)
                   .arg(parallel.perSecond, 14, 'f', 0)
                   .arg(ratios.back(), 10, 'f', 3)
                   .arg(single.perCpuSecond, 14, 'f', 0)
                   .arg(parallel.perCpuSecond, 14, 'f', 0)
                   .arg(cpuRatios.back(), 10, 'f', 3);
        out.flush();
    }
    auto summary = [&](const char* what, const std::vector<double>& values) {
        const auto [low, high] = std::minmax_element(values.begin(), values.end());
        out << "median ratio 2x1 / 1x2, " << what << ": " << QString::number(median(values), 'f', 3)
            << " (min " << QString::number(*low, 'f', 3) << ", max "
            << QString::number(*high, 'f', 3) << ", " << rounds << " rounds)\n";
    };
    summary("samples/s", ratios);
    summary("samples per CPU-second", cpuRatios);
    return 0;
}
