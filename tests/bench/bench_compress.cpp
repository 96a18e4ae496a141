// The compression figures of the README, each against a baseline measured in the same run:
//  1. int8 dynamic quantization of the mlp preset trained on Fashion-MNIST (784-128-128-10):
//     file size and latency at batch 64 on one thread, fp32 and each quantized engine this
//     LibTorch has timed in alternating rounds (median and min-max per forward pass), plus the
//     test accuracy before and after;
//  2. magnitude pruning at 50% sparsity (global, one-shot after epoch E-1, then one epoch of
//     fine-tuning): the change in Fashion-MNIST test accuracy against the same spec trained
//     dense, over several seeds, the two taking turns to train first.
// Beside 1, PyTorch's own torch.quantization.quantize_dynamic on the same network from Python
// (Debian's python3-torch, when installed), timed the same way: the reference for what this
// LibTorch's int8 kernels give on this machine.
// The data is Debian's dataset-fashion-mnist: by default every training image (10% held out
// for validation) and the whole test set; --train and --test take stratified subsets.
//
// Usage: bench_compress [--epochs E] [--seeds S] [--train N] [--test N] [--rounds R]
//                       [--python /usr/bin/python3]
// Not a test: run it by hand; figures go to stdout.
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "train/Checkpoint.h"
#include "train/DynamicQuantization.h"
#include "train/InferenceTiming.h"
#include "train/LossFunction.h"
#include "train/StateDict.h"
#include "train/Trainer.h"

#include <ATen/Context.h>
#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <torch/utils.h>

using namespace trainlab;

namespace {

// The mlp preset's shape with PyTorch's quantize_dynamic defaults, per engine: fp32 and int8
// milliseconds per batch of 64 on one thread, medians of alternating rounds.
const char* const kPythonScript = R"(
import statistics, sys, time, torch
from torch import nn
torch.set_num_threads(1)
rounds = int(sys.argv[1])
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 128),
                      nn.ReLU(), nn.Linear(128, 10)).eval()
x = torch.rand(64, 1, 28, 28)
def ms(m, n=50):
    start = time.perf_counter()
    for _ in range(n):
        m(x)
    return (time.perf_counter() - start) / n * 1e3
with torch.no_grad():
    for engine in torch.backends.quantized.supported_engines:
        if engine == "none":
            continue
        torch.backends.quantized.engine = engine
        q = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
        ms(model, 3); ms(q, 3)
        fp32, int8 = [], []
        for r in range(rounds):
            pair = [(fp32, model), (int8, q)] if r % 2 == 0 else [(int8, q), (fp32, model)]
            for times, m in pair:
                times.append(ms(m))
        print(engine, statistics.median(fp32), statistics.median(int8))
)";

struct Options {
    int epochs = 8;
    int seeds = 3;
    qint64 train = 0; // 0: all
    qint64 test = 0;
    int rounds = 21;
    QString python = QStringLiteral("/usr/bin/python3");
};

ExperimentSpec benchSpec(const Options& o, int seed, double sparsity) {
    QStringList sets = {QStringLiteral("training.epochs=%1").arg(o.epochs),
                        QStringLiteral("training.seed=%1").arg(seed),
                        QStringLiteral("dataset.max_train_samples=%1").arg(o.train),
                        QStringLiteral("dataset.max_test_samples=%1").arg(o.test)};
    if (sparsity > 0)
        sets << QStringLiteral("training.pruning.sparsity=%1").arg(sparsity)
             << QStringLiteral("training.pruning.fine_tune_epochs=1");
    return parseSpec(R"({"trainlab": 1, "name": "bench-compress",
        "dataset": {"source": "fashion-mnist", "validation_split": 0.1, "seed": 1},
        "model": {"preset": "mlp"},
        "training": {"batch_size": 128, "optimizer": {"type": "adamw", "lr": 0.001,
                     "weight_decay": 0.0001}, "schedule": {"type": "cosine", "warmup_steps": 100},
                     "threads": 2},
        "devices": "cpu"})",
                     QStringLiteral("bench"), sets);
}

struct Trained {
    double testAccuracy = 0;
    double sparsity = 0;
    torch::nn::Sequential model{nullptr};
};

// Trains through the engine runs use (Trainer), without a workspace; keeps the final model.
Trained train(const ExperimentSpec& spec, const DatasetSplits& data) {
    RunControl control;
    Trained result;
    TrainerCallbacks callbacks;
    callbacks.metric = [&](int64_t, double, const QString& name, double value) {
        if (name == QLatin1String("test_accuracy"))
            result.testAccuracy = value;
        if (name == QLatin1String("sparsity"))
            result.sparsity = value;
    };
    callbacks.message = [](const QString&) {};
    QTemporaryDir folder;
    TrainerOptions options;
    options.cpuThreads = 2;
    options.checkpointDirectory = folder.path();
    options.owner.specHash = specHash(spec);
    Trainer(spec, data, control, callbacks, options).run();
    result.model = buildModel(spec.model, data.sampleShape, data.numClasses).net;
    const QStringList last = QDir(folder.path()).entryList({QStringLiteral("last-*.pt")});
    loadWeights(QDir(folder.path()).filePath(last.value(0)), result.model);
    result.model->eval();
    return result;
}

double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? 0 : sum / double(v.size());
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    Options o;
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--epochs"))
            o.epochs = args[i + 1].toInt();
        else if (a == QLatin1String("--seeds"))
            o.seeds = args[i + 1].toInt();
        else if (a == QLatin1String("--train"))
            o.train = args[i + 1].toLongLong();
        else if (a == QLatin1String("--test"))
            o.test = args[i + 1].toLongLong();
        else if (a == QLatin1String("--rounds"))
            o.rounds = args[i + 1].toInt();
        else if (a == QLatin1String("--python"))
            o.python = args[i + 1];
    }
    QTextStream out(stdout);
    const DatasetCache cache;
    const ExperimentSpec dense0 = benchSpec(o, 1, 0);
    const DatasetSplits data = buildDataset(dense0.dataset, dense0.training.seed, &cache);
    out << "Fashion-MNIST: " << data.train.size() << " train, " << data.test.size()
        << " test; mlp preset, " << o.epochs << " epochs, batch 128, AdamW + cosine, 2 threads\n";

    // 2. Pruning at 50% against dense, seed by seed.
    std::vector<double> dense;
    std::vector<double> pruned;
    std::vector<double> change;
    Trained reference;
    for (int s = 1; s <= o.seeds; ++s) {
        Trained d;
        Trained p;
        if (s % 2 == 1) {
            d = train(benchSpec(o, s, 0), data);
            p = train(benchSpec(o, s, 0.5), data);
        } else {
            p = train(benchSpec(o, s, 0.5), data);
            d = train(benchSpec(o, s, 0), data);
        }
        dense.push_back(d.testAccuracy);
        pruned.push_back(p.testAccuracy);
        change.push_back(p.testAccuracy - d.testAccuracy);
        out << QStringLiteral("seed %1: dense %2, pruned %3 (sparsity %4): %5\n")
                   .arg(s)
                   .arg(d.testAccuracy, 0, 'f', 4)
                   .arg(p.testAccuracy, 0, 'f', 4)
                   .arg(p.sparsity, 0, 'f', 3)
                   .arg(change.back(), 0, 'f', 4);
        out.flush();
        if (s == 1)
            reference = d;
    }
    const auto [lowest, highest] = std::minmax_element(change.begin(), change.end());
    out << QStringLiteral("pruning 50%: test accuracy %1 -> %2, change %3 (min %4, max %5) "
                          "over %6 seeds\n")
               .arg(mean(dense), 0, 'f', 4)
               .arg(mean(pruned), 0, 'f', 4)
               .arg(mean(change), 0, 'f', 4)
               .arg(*lowest, 0, 'f', 4)
               .arg(*highest, 0, 'f', 4)
               .arg(o.seeds);

    // 1. Int8 quantization of the first seed's dense model, on every engine this LibTorch has.
    const auto fp32Bytes = double(pickleTensors(stateDict(reference.model)).size());
    const auto input = prepareFeatures(data.test.features.slice(0, 0, 64), data).contiguous();
    LossSpec lossSpec;
    lossSpec.type = QStringLiteral("cross_entropy");
    const LossFunction loss(lossSpec, TaskKind::Classification);
    auto accuracy = [&](torch::nn::Sequential& model) {
        return Trainer::scalarMetrics(Trainer::evaluate(model, loss, data, data.test), data,
                                      QStringLiteral("test_"))
            .value(QStringLiteral("test_accuracy"));
    };
    const double fp32Accuracy = accuracy(reference.model);
    for (const at::QEngine engine : at::globalContext().supportedQEngines()) {
        if (engine == at::QEngine::NoQEngine)
            continue;
        const QString name = QString::fromLatin1(c10::toString(engine)).toLower();
        QuantizedModel quantized = quantizeDynamic(reference.model, name);
        const LatencyComparison timing =
            compareLatency(reference.model, quantized.net, input, 1, o.rounds, 50);
        out << QStringLiteral("int8 %1: %2x smaller (%3 -> %4 bytes); batch 64, 1 thread: fp32 "
                              "%5 ms (%6-%7), int8 %8 ms (%9-%10): %11x faster; test accuracy "
                              "%12 -> %13\n")
                   .arg(name)
                   .arg(fp32Bytes / double(quantized.file.size()), 0, 'f', 2)
                   .arg(qint64(fp32Bytes))
                   .arg(qint64(quantized.file.size()))
                   .arg(timing.reference.medianMs, 0, 'f', 3)
                   .arg(timing.reference.minMs, 0, 'f', 3)
                   .arg(timing.reference.maxMs, 0, 'f', 3)
                   .arg(timing.candidate.medianMs, 0, 'f', 3)
                   .arg(timing.candidate.minMs, 0, 'f', 3)
                   .arg(timing.candidate.maxMs, 0, 'f', 3)
                   .arg(timing.speedup(), 0, 'f', 2)
                   .arg(fp32Accuracy, 0, 'f', 4)
                   .arg(accuracy(quantized.net), 0, 'f', 4);
        out.flush();
    }
    QProcess python;
    python.start(o.python, {QStringLiteral("-c"), QString::fromUtf8(kPythonScript),
                            QString::number(o.rounds)});
    if (!python.waitForFinished(600000) || python.exitCode() != 0) {
        out << "PyTorch reference: " << o.python << " with torch is not available\n";
        return 0;
    }
    for (const QByteArray& line : python.readAllStandardOutput().trimmed().split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() != 3)
            continue;
        out << QStringLiteral("PyTorch quantize_dynamic %1: batch 64, 1 thread: fp32 %2 ms, int8 "
                              "%3 ms: %4x faster\n")
                   .arg(QString::fromUtf8(f[0]))
                   .arg(f[1].toDouble(), 0, 'f', 3)
                   .arg(f[2].toDouble(), 0, 'f', 3)
                   .arg(f[1].toDouble() / f[2].toDouble(), 0, 'f', 2);
    }
    return 0;
}
