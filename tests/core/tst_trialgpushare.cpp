// "trials_per_gpu": "auto": a trial's training memory estimated from its model (weights,
// gradients, optimizer state, activations, the batch), the part of a GPU that takes, the GPU's
// memory from NVML (a stand-in libnvidia-ml with two 16 GiB boards), and the demand a sweep's
// trial makes of the job layer's pool.
#include "jobs/DevicePool.h"
#include "jobs/RunJob.h"
#include "jobs/TrialGpuShare.h"
#include "model/ModelSummary.h"
#include "spec/SpecJson.h"
#include "sweep/SweepSpec.h"
#include "telemetry/NvmlLibrary.h"

#include <QtTest>

using namespace trainlab;

namespace {

const QString kFake = QStringLiteral(TRAINLAB_FAKE_NVML);
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// An MLP on the two-feature spirals, two classes, batch 256.
ExperimentSpec mlpSpec(const QString& optimizer, const QString& precision = "fp32") {
    return parseSpec(QStringLiteral(R"({"trainlab": 1, "devices": "auto",
        "dataset": {"source": "synthetic",
                    "synthetic": {"kind": "spirals", "samples": 600, "classes": 2}},
        "model": {"layers": [{"type": "linear", "out": 512}, {"type": "relu"},
                             {"type": "linear", "out": 512}, {"type": "relu"},
                             {"type": "linear", "out": 2}]},
        "training": {"batch_size": 256, "precision": "%1",
                     "optimizer": {"type": %2}}})")
                         .arg(precision, optimizer)
                         .toUtf8(),
                     QStringLiteral("trial.json"));
}

} // namespace

class TestTrialGpuShare : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void estimateAddsWeightsGradientsStateActivationsAndTheBatch() {
        const ExperimentSpec adamw = mlpSpec(QStringLiteral(R"("adamw")"));
        // The model summary's figures for the same model, input and batch.
        const QJsonObject summary = modelSummaryJson(adamw.model, {2}, 2, 256);
        const double parameters = summary.value(QStringLiteral("parameters")).toDouble();
        QCOMPARE(parameters, 2.0 * 512 + 512 + 512 * 512 + 512 + 512 * 2 + 2);
        const double activations = summary.value(QStringLiteral("activation_bytes")).toDouble();
        QVERIFY(activations > 0);

        const TrainingMemoryEstimate e = estimateTrainingMemory(adamw);
        QCOMPARE(e.weights, parameters * 4);
        QCOMPARE(e.gradients, parameters * 4);
        QCOMPARE(e.optimizer, parameters * 4 * 2); // Adam's two moments
        QCOMPARE(e.activations, activations);
        QCOMPARE(e.inputs, 2.0 * 256 * 4);
        QCOMPARE(e.total(), e.weights + e.gradients + e.optimizer + e.activations + e.inputs);

        QCOMPARE(estimateTrainingMemory(mlpSpec(QStringLiteral(R"("sgd")"))).optimizer,
                 parameters * 4); // the momentum buffer (momentum 0.9 by default)
        QCOMPARE(
            estimateTrainingMemory(mlpSpec(QStringLiteral(R"("sgd", "momentum": 0)"))).optimizer,
            0.0);
        // Mixed precision halves the activations, not the fp32 weights.
        const TrainingMemoryEstimate half =
            estimateTrainingMemory(mlpSpec(QStringLiteral(R"("adamw")"), QStringLiteral("bf16")));
        QCOMPARE(half.activations, activations / 2);
        QCOMPARE(half.weights, e.weights);
    }

    void shareIsTheEstimateWithHeadroomInSixtyFourths() {
        QCOMPARE(gpuShareFor(1 * kGiB, 16 * kGiB), 6.0 / 64);   // 1.5 GiB of 16
        QCOMPARE(gpuShareFor(1.1 * kGiB, 16 * kGiB), 7.0 / 64); // rounded up
        QCOMPARE(gpuShareFor(0, 16 * kGiB), 1.0 / 64);          // never nothing
        QCOMPARE(gpuShareFor(20 * kGiB, 16 * kGiB), 1.0);       // never more than the GPU
        QCOMPARE(gpuShareFor(1 * kGiB, 0), 1.0);                // size unknown: all of it
    }

    void gpuMemoryComesFromNvml() {
        const NvmlLibrary nvml(kFake);
        QVERIFY2(nvml.available(), qPrintable(nvml.status()));
        QCOMPARE(smallestGpuMemory({QStringLiteral("cuda:0"), QStringLiteral("cuda:1")}, nvml),
                 std::optional<double>(16 * kGiB));
        QCOMPARE(smallestGpuMemory({QStringLiteral("cuda:7")}, nvml), std::nullopt);
        const NvmlLibrary absent(QStringLiteral("/nonexistent/libnvidia-ml.so.1"));
        QCOMPARE(smallestGpuMemory({QStringLiteral("cuda:0")}, absent), std::nullopt);
    }

    void autoTrialsTakeTheirEstimatedPartAndThePoolFitsThatMany() {
        const ExperimentSpec spec = mlpSpec(QStringLiteral(R"("adamw")"));
        const QStringList gpus{QStringLiteral("cuda:0")};
        const double gpuBytes = 64 * 1024.0 * 1024.0; // a 64 MiB GPU: the MLP takes a part
        const double share = gpuShareFor(estimateTrainingMemory(spec).total(), gpuBytes);
        QVERIFY2(share > 1.0 / 64 && share < 0.5, qPrintable(QString::number(share)));
        const DeviceDemand demand =
            trialDemand(spec, SweepSpec::kTrialsPerGpuByMemory, gpus, gpuBytes);
        QCOMPARE(demand.anyGpus, 1);
        QCOMPARE(demand.gpuShare, share);
        // As many such trials run at once on the GPU as their parts fit, not one more.
        DevicePool pool(2, gpus);
        const int fit = int(1.0 / share + 1e-9);
        for (int i = 0; i < fit; ++i)
            QVERIFY2(pool.tryAcquire(demand), qPrintable(QString::number(i)));
        QVERIFY(!pool.tryAcquire(demand));
        // Without a size to share by, a whole GPU; without GPUs, the CPU as a run takes it.
        QCOMPARE(trialDemand(spec, SweepSpec::kTrialsPerGpuByMemory, gpus, std::nullopt).gpuShare,
                 1.0);
        QCOMPARE(trialDemand(spec, SweepSpec::kTrialsPerGpuByMemory, {}, gpuBytes).anyGpus, 0);
        // The sweep's log says what the trial got and from what.
        QVERIFY(gpuShareNote(3, spec, share, gpuBytes, QString())
                    .startsWith(QStringLiteral("trial 3: %1/64 of a GPU (an estimated ")
                                    .arg(std::lround(share * 64))));
        QVERIFY(gpuShareNote(3, spec, 1.0, std::nullopt, QStringLiteral("NVML: absent"))
                    .contains(QStringLiteral("a whole GPU")));
    }
};

QTEST_GUILESS_MAIN(TestTrialGpuShare)
#include "tst_trialgpushare.moc"
