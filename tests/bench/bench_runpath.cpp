// What the run path costs: samples/s of a full TrainLab run (RunJob: data loader, metrics to
// the store, logging, checkpoints, per-epoch validation) next to a bare LibTorch loop on the
// same network, data and batch size, in the same process, alternating the two.
//
// Usage: bench_runpath [--rounds N] [--presets mlp,cnn2] [--threads T] [--verbose]
// Not a test: run it by hand on a quiet machine. Prints every round, then per preset the
// median and the spread (min-max) of full / bare.
#include "../common/DirectJobContext.h"

#include "base/AllocatorTuning.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "jobs/RunJob.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "train/LossFunction.h"
#include "train/OptimizerFactory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <torch/utils.h>

using namespace trainlab;

namespace {

struct Case {
    QString preset;
    int epochs;
    int64_t trainSamples; ///< 0: all of Fashion-MNIST's training set
};

ExperimentSpec caseSpec(const Case& c, int threads) {
    const QString json = QStringLiteral(R"({"trainlab": 1, "name": "runpath-%1",
        "dataset": {"source": "fashion-mnist", "validation_split": 0.02, "test_split": 0,
                    "max_train_samples": %2, "max_test_samples": 200},
        "model": {"preset": "%1"},
        "training": {"epochs": %3, "batch_size": 64, "threads": %4,
                     "optimizer": {"type": "adam", "lr": 0.001}, "log_every_steps": 50,
                     "loss": {"type": "cross_entropy"}},
        "devices": "cpu"})")
                             .arg(c.preset)
                             .arg(c.trainSamples)
                             .arg(c.epochs)
                             .arg(threads);
    return parseSpec(json.toUtf8(), QStringLiteral("bench"));
}

// A full run through the job layer into a fresh workspace. Timed from the line the trainer
// logs just before its first batch to the stored end: training, validation, logging,
// checkpoints and the final store flush.
double fullRunSamplesPerSecond(const ExperimentSpec& spec, bool verbose, int64_t& steps) {
    QTemporaryDir dir;
    StoreWriter store(dir.filePath(QStringLiteral("bench.db")));
    test::DirectJobContext context(store);
    QElapsedTimer clock;
    QElapsedTimer sinceStart;
    sinceStart.start();
    context.onMessage = [&](const QString& line) {
        if (line.startsWith(QLatin1String("model:")))
            clock.start();
        if (verbose)
            QTextStream(stdout) << QStringLiteral("  %1 ms  ").arg(sinceStart.elapsed(), 6) << line
                                << Qt::endl;
    };
    RunJob job(RunRequest{spec, {}, 0});
    const JobInfo info = context.run(job);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    if (info.status != RunStatus::Completed)
        qFatal("full run ended %s: %s", qPrintable(runStatusName(info.status)),
               qPrintable(info.error));
    steps = info.progress.step;
    return double(steps) * double(spec.training.batchSize) / seconds;
}

// The same network, optimizer and batches in the plainest loop: the data already as a float
// tensor in memory, a shuffle per epoch, zero_grad / forward / loss / backward / step.
double bareLoopSamplesPerSecond(const ExperimentSpec& spec, const DatasetSplits& data, int threads,
                                int64_t steps) {
    torch::set_num_threads(threads);
    torch::manual_seed(1);
    BuiltModel built = buildModel(spec.model, data.sampleShape, data.numClasses);
    built.net->train();
    auto optimizer = makeOptimizer(spec.training.optimizer, built.net->parameters());
    const LossFunction loss(spec.training.loss, data.task);
    const torch::Tensor mean = data.normalization.mean;
    const torch::Tensor stddev = data.normalization.std;
    torch::Tensor x = data.train.features.to(torch::kFloat32) / 255.0;
    if (mean.defined())
        x = (x - mean) / stddev;
    const torch::Tensor y = data.train.targets;
    const int64_t batch = spec.training.batchSize;
    const int64_t perEpoch = x.size(0) / batch;
    if (qEnvironmentVariableIsSet("BENCH_BARE_WITH_LOADER")) {
        LoaderOptions options;
        options.batchSize = batch;
        options.workers = 0;
        options.dropLast = true;
        DataLoader loader(
            data.train, data.numClasses,
            [prepare = InputPreparation(data)](const torch::Tensor& f, at::IntArrayRef rows) {
                return prepare.rows(f, rows);
            },
            options);
        QElapsedTimer clock;
        clock.start();
        int64_t done = 0;
        for (int epoch = 0; done < steps; ++epoch) {
            loader.startEpoch(epoch);
            while (done < steps) {
                auto b = loader.next();
                if (!b)
                    break;
                optimizer->zero_grad();
                loss(built.net->forward(b->inputs), b->targets).backward();
                optimizer->step();
                ++done;
            }
        }
        return double(steps * batch) / (double(clock.nsecsElapsed()) / 1e9);
    }
    QElapsedTimer clock;
    clock.start();
    int64_t done = 0;
    while (done < steps) {
        const torch::Tensor order = torch::randperm(x.size(0));
        for (int64_t b = 0; b < perEpoch && done < steps; ++b, ++done) {
            const torch::Tensor index = order.slice(0, b * batch, (b + 1) * batch);
            optimizer->zero_grad();
            loss(built.net->forward(x.index_select(0, index)), y.index_select(0, index)).backward();
            optimizer->step();
        }
    }
    return double(steps * batch) / (double(clock.nsecsElapsed()) / 1e9);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

} // namespace

int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse(); // as the app does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int rounds = 6;
    int threads = 2;
    QStringList presets = {QStringLiteral("mlp"), QStringLiteral("cnn2")};
    const bool verbose = args.contains(QLatin1String("--verbose")); // the run's lines, timed
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--rounds"))
            rounds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--threads"))
            threads = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--presets"))
            presets = args[i + 1].split(QLatin1Char(','));
    }
    QTextStream out(stdout);
    out << "batch 64, " << threads << " threads, Fashion-MNIST; " << rounds
        << " rounds, full run and bare loop alternating\n";
    for (const QString& preset : presets) {
        // Whole epochs of Fashion-MNIST, as a user trains: per-epoch costs (validation, two
        // checkpoints) weigh what they weigh in a real run. About 30 s a side for cnn2.
        const Case c = preset == QLatin1String("mlp") ? Case{preset, 2, 0} : Case{preset, 1, 0};
        const ExperimentSpec spec = caseSpec(c, threads);
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
        std::vector<double> ratios;
        for (int round = 0; round < rounds; ++round) {
            int64_t steps = 0;
            double full = 0;
            double bare = 0;
            // Alternate which side goes first, so drift in the machine hits both alike.
            if (round % 2 == 0) {
                full = fullRunSamplesPerSecond(spec, verbose, steps);
                bare = bareLoopSamplesPerSecond(spec, data, threads, steps);
            } else {
                bare = bareLoopSamplesPerSecond(spec, data, threads,
                                                c.epochs * (data.train.size() / 64));
                full = fullRunSamplesPerSecond(spec, verbose, steps);
            }
            ratios.push_back(full / bare);
            out << QStringLiteral("%1 round %2: full %3 samples/s, bare %4 samples/s, %5x (%6 "
                                  "steps)\n")
                       .arg(preset)
                       .arg(round + 1)
                       .arg(full, 0, 'f', 0)
                       .arg(bare, 0, 'f', 0)
                       .arg(full / bare, 0, 'f', 3)
                       .arg(steps);
            out.flush();
        }
        out << QStringLiteral("%1: full / bare median %2x, spread %3-%4x\n")
                   .arg(preset)
                   .arg(median(ratios), 0, 'f', 3)
                   .arg(*std::min_element(ratios.begin(), ratios.end()), 0, 'f', 3)
                   .arg(*std::max_element(ratios.begin(), ratios.end()), 0, 'f', 3);
        out.flush();
    }
    return 0;
}
