// Data path on Fashion-MNIST: first open (decode) vs cached open, and the loader's throughput
// with augmentation next to what cnn2's training step consumes on 2 threads, so the share of
// time a trainer would wait for data can be read off.
//
// Usage: bench_data [--batches N]. Not a test: figures go to stdout.
#include "base/AllocatorTuning.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "model/ModelBuilder.h"
#include "train/LossFunction.h"
#include "train/OptimizerFactory.h"

#include "util/SeedMix.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTextStream>
#include <chrono>
#include <torch/utils.h>

using namespace trainlab;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse(); // as the app does
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int batches = 200;
    const qsizetype at = args.indexOf(QStringLiteral("--batches"));
    if (at > 0 && at + 1 < args.size())
        batches = args[at + 1].toInt();
    QTextStream out(stdout);
    torch::set_num_threads(2);

    QTemporaryDir cacheDir;
    const DatasetCache cache(cacheDir.path());
    DatasetSpec spec;
    spec.source = QStringLiteral("fashion-mnist");
    spec.validationSplit = 0.1;
    auto start = Clock::now();
    buildDataset(spec, 1, &cache);
    const double first = since(start);
    start = Clock::now();
    const DatasetSplits data = buildDataset(spec, 1, &cache);
    const double cached = since(start);
    out << "Fashion-MNIST open: first " << QString::number(first, 'f', 3) << " s, cached "
        << QString::number(cached, 'f', 3) << " s (" << QString::number(first / cached, 'f', 1)
        << "x faster), from cache: " << (data.fromCache ? "yes" : "no") << "\n";

    // Training consumption: cnn2 steps on ready batches.
    ModelSpec model;
    model.preset = QStringLiteral("cnn2");
    BuiltModel built = buildModel(model, data.sampleShape, 10);
    OptimizerSpec opt;
    auto optimizer = makeOptimizer(opt, built.net->parameters());
    LossSpec lossSpec;
    lossSpec.type = QStringLiteral("cross_entropy");
    const LossFunction loss(lossSpec, TaskKind::Classification);
    const auto x = torch::randn({128, 1, 28, 28});
    const auto y = torch::randint(0, 10, {128}, torch::kInt64);
    const int trainSteps = std::max(10, batches / 10);
    for (int i = 0; i < 3; ++i) {
        optimizer->zero_grad();
        loss(built.net->forward(x), y).backward();
        optimizer->step();
    }
    start = Clock::now();
    for (int i = 0; i < trainSteps; ++i) {
        optimizer->zero_grad();
        loss(built.net->forward(x), y).backward();
        optimizer->step();
    }
    const double trainRate = 128.0 * trainSteps / since(start);
    out << "cnn2 training consumes " << QString::number(trainRate, 'f', 0)
        << " samples/s (batch 128, 2 threads)\n";

    // A plain batch of 64 (no augmentation) as the loader makes it inline, in one pass over the
    // stored pixels, next to the tensor ops it replaced (index_select, to float, scale, shift).
    {
        const InputPreparation prepare(data);
        const std::vector<int64_t> order = seededPermutation(data.train.size(), 5);
        const int64_t perEpoch = int64_t(order.size()) / 64;
        double seconds[2] = {0, 0};
        for (int round = 0; round < 6; ++round) {
            for (int path = 0; path < 2; ++path) {
                start = Clock::now();
                for (int64_t b = 0; b < batches; ++b) {
                    const at::IntArrayRef rows(order.data() + (b % perEpoch) * 64, 64);
                    const torch::Tensor inputs = path == 0
                                                     ? prepare.rows(data.train.features, rows)
                                                     : prepare(data.train.features.index_select(
                                                           0, torch::tensor(rows, torch::kInt64)));
                    const torch::Tensor targets = selectRows(data.train.targets, rows);
                    (void)inputs;
                    (void)targets;
                }
                seconds[path] += since(start);
            }
        }
        const double onePass = 1e6 * seconds[0] / (6.0 * batches);
        const double tensorOps = 1e6 * seconds[1] / (6.0 * batches);
        out << "batch of 64, no augmentation: one pass " << QString::number(onePass, 'f', 1)
            << " us, tensor ops " << QString::number(tensorOps, 'f', 1) << " us ("
            << QString::number(tensorOps / onePass, 'f', 2) << "x)\n";
    }

    LoaderOptions options;
    options.batchSize = 128;
    options.augment.randomCropPadding = 2;
    options.augment.hflip = true;
    options.augment.rotationDeg = 10;
    options.augment.gaussianNoise = 0.05;
    for (int workers : {0, 1, 2}) {
        options.workers = workers;
        DataLoader loader(
            data.train, data.numClasses,
            [prepare = InputPreparation(data)](const torch::Tensor& features,
                                               at::IntArrayRef rows) {
                return prepare.rows(features, rows);
            },
            options);
        loader.startEpoch(0);
        start = Clock::now();
        int64_t samples = 0;
        for (int b = 0; b < batches; ++b) {
            auto batch = loader.next();
            if (!batch)
                loader.startEpoch(b), batch = loader.next();
            samples += batch->inputs.size(0);
        }
        const double rate = double(samples) / since(start);
        out << "loader, " << workers
            << " workers, crop+flip+rotate+noise: " << QString::number(rate, 'f', 0)
            << " samples/s = " << QString::number(rate / trainRate, 'f', 1)
            << "x what training consumes\n";
        out.flush();
    }
    return 0;
}
