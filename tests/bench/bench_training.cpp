// Training throughput of the C++ engine: samples/s of the mlp and cnn2 presets on
// Fashion-MNIST-shaped batches at batch 64 and 128 with 2 threads, next to the same models
// trained by PyTorch from Python (Debian's python3-torch) in the same run, when installed.
//
// Usage: bench_training [--steps N] [--python /usr/bin/python3]
// Not a test: run it by hand; figures go to stdout as a table and ratios.
#include "model/ModelBuilder.h"
#include "spec/ExperimentSpec.h"
#include "train/LossFunction.h"
#include "train/OptimizerFactory.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>
#include <chrono>
#include <torch/utils.h>

using namespace trainlab;

namespace {

double cppSamplesPerSecond(const QString& preset, int64_t batch, int steps) {
    ModelSpec spec;
    spec.preset = preset;
    BuiltModel built = buildModel(spec, {1, 28, 28}, 10);
    built.net->train();
    OptimizerSpec opt;
    opt.type = QStringLiteral("adam");
    auto optimizer = makeOptimizer(opt, built.net->parameters());
    LossSpec lossSpec;
    lossSpec.type = QStringLiteral("cross_entropy");
    const LossFunction loss(lossSpec, TaskKind::Classification);
    const auto x = torch::randn({batch, 1, 28, 28});
    const auto y = torch::randint(0, 10, {batch}, torch::kInt64);
    double forwardS = 0, backwardS = 0, stepS = 0;
    auto step = [&] {
        const auto t0 = std::chrono::steady_clock::now();
        optimizer->zero_grad();
        const auto l = loss(built.net->forward(x), y);
        const auto t1 = std::chrono::steady_clock::now();
        l.backward();
        const auto t2 = std::chrono::steady_clock::now();
        optimizer->step();
        const auto t3 = std::chrono::steady_clock::now();
        forwardS += std::chrono::duration<double>(t1 - t0).count();
        backwardS += std::chrono::duration<double>(t2 - t1).count();
        stepS += std::chrono::duration<double>(t3 - t2).count();
    };
    for (int i = 0; i < 5; ++i)
        step(); // warm-up: allocator and OpenMP pool
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i)
        step();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (qEnvironmentVariableIsSet("TRAINLAB_BENCH_PROFILE"))
        QTextStream(stderr) << preset << " " << batch << ": forward "
                            << forwardS / (steps + 5) * 1e3 << " ms, backward "
                            << backwardS / (steps + 5) * 1e3 << " ms, step "
                            << stepS / (steps + 5) * 1e3 << " ms\n";
    return double(batch) * steps / seconds;
}

// The same loop in PyTorch, same layers and optimizer; prints samples/s.
const char* kPythonScript = R"py(
import sys, time, torch, torch.nn as nn
preset, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(2)
if preset == "mlp":
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
else:
    net = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(3136, 1024), nn.ReLU(), nn.Dropout(0.4), nn.Linear(1024, 10))
opt = torch.optim.Adam(net.parameters())
loss = nn.CrossEntropyLoss()
x = torch.randn(batch, 1, 28, 28); y = torch.randint(0, 10, (batch,))
def step():
    opt.zero_grad(); loss(net(x), y).backward(); opt.step()
for _ in range(5): step()
t = time.perf_counter()
for _ in range(steps): step()
print(batch * steps / (time.perf_counter() - t))
)py";

double pythonSamplesPerSecond(const QString& python, const QString& preset, int64_t batch,
                              int steps) {
    QProcess process;
    process.start(python, {QStringLiteral("-c"), QString::fromUtf8(kPythonScript), preset,
                           QString::number(batch), QString::number(steps)});
    if (!process.waitForFinished(600000) || process.exitCode() != 0)
        return 0;
    return process.readAllStandardOutput().trimmed().toDouble();
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int steps = 60;
    QString python = QStringLiteral("/usr/bin/python3");
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--steps"))
            steps = args[i + 1].toInt();
        if (args[i] == QLatin1String("--python"))
            python = args[i + 1];
    }
    torch::set_num_threads(2);
    QProcess check;
    check.start(python,
                {QStringLiteral("-c"), QStringLiteral("import torch; print(torch.__version__)")});
    check.waitForFinished(60000);
    const bool hasPython = check.exitCode() == 0;
    QTextStream out(stdout);
    out << "threads 2, " << steps << " timed steps per case (mlp: 10x), best of 3 rounds; PyTorch: "
        << (hasPython ? QString::fromUtf8(check.readAllStandardOutput().trimmed())
                      : QStringLiteral("not installed"))
        << "\n";
    out << QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(QStringLiteral("model"), -6)
               .arg(QStringLiteral("batch"), 6)
               .arg(QStringLiteral("C++ samples/s"), 14)
               .arg(QStringLiteral("Python samples/s"), 17)
               .arg(QStringLiteral("C++ / Python"), 13);
    for (const QString& preset : {QStringLiteral("mlp"), QStringLiteral("cnn2")}) {
        for (int64_t batch : {64, 128}) {
            const int n = preset == QLatin1String("mlp") ? steps * 10 : steps;
            // Best of three alternating rounds: a shared VM's noise hits both sides alike.
            double cpp = 0;
            double py = 0;
            for (int round = 0; round < 3; ++round) {
                cpp = std::max(cpp, cppSamplesPerSecond(preset, batch, n));
                if (hasPython)
                    py = std::max(py, pythonSamplesPerSecond(python, preset, batch, n));
            }
            out << QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(preset, -6)
                       .arg(batch, 6)
                       .arg(cpp, 14, 'f', 0)
                       .arg(py, 17, 'f', 0)
                       .arg(py > 0 ? QString::number(cpp / py, 'f', 2) : QStringLiteral("-"), 13);
            out.flush();
        }
    }
    return 0;
}
