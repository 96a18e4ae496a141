// NVML through dlopen: absent (this machine), present but unusable, and present (a stand-in
// library with NVML's entry points, tests/core/fake_nvml.cpp): every reading, what a board does
// not report staying empty, CUDA_VISIBLE_DEVICES mapping, each GPU's energy from the counter or
// from integrated power, and the environment a run records.
#include "jobs/RunEnvironment.h"
#include "telemetry/CudaAllocatorStats.h"
#include "telemetry/EnergyAccount.h"
#include "telemetry/GpuTelemetry.h"
#include "telemetry/NvmlLibrary.h"
#include "telemetry/SystemSampler.h"

#include "../common/TestSupport.h"

#include <QJsonArray>
#include <QThread>
#include <QtTest>
#include <atomic>

using namespace trainlab;

namespace {

const QString kFake = QStringLiteral(TRAINLAB_FAKE_NVML);

/// Sets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const QByteArray& value)
        : name_(name) {
        qputenv(name_, value);
    }
    ~ScopedEnv() { qunsetenv(name_); }

private:
    const char* name_;
};

} // namespace

class TestNvml : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void absentLibraryIsUnavailableAndSaysWhy() {
        const NvmlLibrary absent(QStringLiteral("libnvidia-ml-absent.so.1"));
        QVERIFY(!absent.available());
        QVERIFY2(absent.status().contains(QStringLiteral("NVML not loaded")),
                 qPrintable(absent.status()));
        QCOMPARE(absent.deviceCount(), 0);
        QVERIFY(!absent.read(0));
        QVERIFY(!absent.indexOfCudaDevice(0));
        QVERIFY(absent.deviceName(0).isEmpty());
        QVERIFY(absent.driverVersion().isEmpty());
        // A library that is there but is not NVML.
        const NvmlLibrary notNvml(QStringLiteral("libz.so.1"));
        QVERIFY(!notNvml.available());
        QVERIFY2(notNvml.status().contains(QStringLiteral("has no nvmlInit_v2")),
                 qPrintable(notNvml.status()));
        // The driver's own library: whatever this machine has, it says so.
        const auto shared = NvmlLibrary::shared();
        QVERIFY(!shared->status().isEmpty());
        QCOMPARE(NvmlLibrary::shared().get(), shared.get()); // loaded once
    }

    void failingInitIsReportedWithNvmlsMessage() {
        const ScopedEnv fails("FAKE_NVML_INIT_FAILS", "1");
        const NvmlLibrary nvml(kFake);
        QVERIFY(!nvml.available());
        QVERIFY2(nvml.status().contains(QStringLiteral("nvmlInit_v2 failed (Driver Not Loaded)")),
                 qPrintable(nvml.status()));
        QCOMPARE(nvml.deviceCount(), 0);
    }

    void presentLibraryReadsEveryFieldAndLeavesUnsupportedOnesEmpty() {
        const NvmlLibrary nvml(kFake);
        QVERIFY2(nvml.available(), qPrintable(nvml.status()));
        QCOMPARE(nvml.status(), QStringLiteral("NVML, driver 999.12.3"));
        QCOMPARE(nvml.deviceCount(), 2);
        QCOMPARE(nvml.driverVersion(), QStringLiteral("999.12.3"));
        QCOMPARE(nvml.cudaDriverVersion(), QStringLiteral("12.2"));
        QCOMPARE(nvml.deviceName(1), QStringLiteral("TrainLab Fake GPU B"));
        const auto a = nvml.read(0);
        QVERIFY(a);
        QCOMPARE(a->memTotalBytes, std::optional<double>(double(16ull << 30)));
        QCOMPARE(a->memUsedBytes, std::optional<double>(double(1ull << 30)));
        QCOMPARE(a->utilPercent, std::optional<double>(87));
        QCOMPARE(a->powerW, std::optional<double>(100)); // milliwatts -> W
        QCOMPARE(a->temperatureC, std::optional<double>(61));
        QVERIFY(a->energyCounterJ && *a->energyCounterJ >= 5e6); // millijoules -> J
        const auto b = nvml.read(1);
        QVERIFY(b);
        QCOMPARE(b->powerW, std::optional<double>(50));
        QVERIFY(!b->energyCounterJ); // not supported: empty, not zero
        QVERIFY(!b->temperatureC);
        QVERIFY(!nvml.read(2));
        QVERIFY(nvml.deviceName(2).isEmpty());
    }

    void cudaDevicesMapThroughCudaVisibleDevices() {
        const NvmlLibrary nvml(kFake);
        QCOMPARE(nvml.indexOfCudaDevice(1), std::optional<int>(1));
        QVERIFY(!nvml.indexOfCudaDevice(2));
        {
            const ScopedEnv visible("CUDA_VISIBLE_DEVICES", "1");
            QCOMPARE(nvml.indexOfCudaDevice(0), std::optional<int>(1));
            QVERIFY(!nvml.indexOfCudaDevice(1));
        }
        {
            const ScopedEnv visible("CUDA_VISIBLE_DEVICES", "GPU-1111bbbb,GPU-0000aaaa-0000");
            QCOMPARE(nvml.indexOfCudaDevice(0), std::optional<int>(1)); // a UUID prefix
            QCOMPARE(nvml.indexOfCudaDevice(1), std::optional<int>(0));
        }
        {
            const ScopedEnv visible("CUDA_VISIBLE_DEVICES", "MIG-5d1c,7");
            QVERIFY(!nvml.indexOfCudaDevice(0)); // a MIG instance: not mapped
            QVERIFY(!nvml.indexOfCudaDevice(1)); // no such board
        }
    }

    void gpuEnergyComesFromTheCounterElseFromIntegratedPower() {
        auto nvml = std::make_shared<NvmlLibrary>(kFake);
        GpuTelemetry gpus(
            nvml, {QStringLiteral("cpu"), QStringLiteral("cuda:0"), QStringLiteral("cuda:1")});
        QVERIFY(!gpus.empty());
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 4; ++i) {
            QThread::msleep(100);
            const QVector<SystemSample> samples = gpus.sample(3, 1000.0 + i);
            QCOMPARE(samples.size(), 2); // the GPUs only: the CPU is the sampler's own row
            QCOMPARE(samples[0].device, QStringLiteral("cuda:0"));
            QCOMPARE(samples[0].powerW, std::optional<double>(100));
            QVERIFY(samples[0].gpuEnergyJ);
            QVERIFY(!samples[1].temperatureC);
            // The CPU build has no CUDA allocator: its figures stay empty.
            QCOMPARE(samples[0].cudaAllocatedBytes.has_value(), cudaAllocatorStatsBuilt());
        }
        const double seconds = double(clock.elapsed()) / 1000.0;
        const QVector<GpuEnergy> energy = gpus.energy();
        QCOMPARE(energy.size(), 2);
        QCOMPARE(energy[0].method, QStringLiteral("nvml energy counter"));
        QCOMPARE(energy[1].method, QStringLiteral("nvml power integrated"));
        // 100 W and 50 W over the same span (the counter counts whole millijoules).
        QVERIFY2(std::abs(*energy[0].joules - 100 * seconds) < 100 * 0.05,
                 qPrintable(QString::number(*energy[0].joules)));
        QVERIFY2(std::abs(*energy[1].joules - 50 * seconds) < 50 * 0.05,
                 qPrintable(QString::number(*energy[1].joules)));
        // The run's figure adds them to the CPU's and says how each was measured.
        QTemporaryDir noRapl;
        const EnergyFigure figure = EnergyAccount(10, noRapl.path()).figure(2.0, energy);
        QVERIFY(std::abs(figure.joules - (20 + *energy[0].joules + *energy[1].joules)) < 1e-9);
        QVERIFY2(figure.source.contains(QStringLiteral("; cuda:0 nvml energy counter; cuda:1 "
                                                       "nvml power integrated")),
                 qPrintable(figure.source));
    }

    void gpusWithoutNvmlAreRecordedAsUnmeasured() {
        auto absent = std::make_shared<NvmlLibrary>(QStringLiteral("libnvidia-ml-absent.so.1"));
        auto gpus = std::make_shared<GpuTelemetry>(absent, QStringList{QStringLiteral("cuda:0")});
        std::atomic<int> rounds{0};
        std::atomic<bool> gpuRowsEmpty{true};
        {
            QTemporaryDir dir;
            SystemSampler sampler(
                4,
                [&](const QVector<SystemSample>& samples) {
                    for (const SystemSample& s : samples) {
                        if (s.device == QLatin1String("cpu"))
                            continue;
                        if (s.gpuMemUsedBytes || s.powerW || s.utilPercent || s.gpuEnergyJ ||
                            s.temperatureC || s.cudaAllocatedBytes)
                            gpuRowsEmpty = false;
                    }
                    ++rounds;
                },
                std::chrono::milliseconds(20), QStringLiteral("/proc/self"), gpus);
            QTRY_VERIFY(rounds >= 3);
        }
        QVERIFY(gpuRowsEmpty); // the device was there; nothing about it was measurable
        const QVector<GpuEnergy> energy = gpus->energy();
        QVERIFY(!energy[0].joules);
        QVERIFY2(energy[0].method.startsWith(QStringLiteral("not measured (NVML not loaded")),
                 qPrintable(energy[0].method));
        QTemporaryDir noRapl;
        const EnergyFigure figure = EnergyAccount(10, noRapl.path()).figure(1.0, energy);
        QCOMPARE(figure.joules, 10.0); // the GPU's part is missing, and the source says so
        QVERIFY(figure.source.contains(QStringLiteral("cuda:0 not measured")));
    }

    void environmentNamesVersionsCpuAndGpus() {
        const NvmlLibrary nvml(kFake);
        const QJsonObject env = runEnvironment({QStringLiteral("cuda:0")}, 1, nvml);
        QCOMPARE(env.value(QStringLiteral("driver")).toString(), QStringLiteral("999.12.3"));
        QCOMPARE(env.value(QStringLiteral("cuda_driver")).toString(), QStringLiteral("12.2"));
        QCOMPARE(env.value(QStringLiteral("gpu_models")).toArray(),
                 QJsonArray({QStringLiteral("TrainLab Fake GPU A"),
                             QStringLiteral("TrainLab Fake GPU B")}));
        if (!cudaAllocatorStatsBuilt()) // a CPU LibTorch has no CUDA runtime
            QCOMPARE(env.value(QStringLiteral("cuda")).toString(), QStringLiteral("none"));
        QVERIFY(!env.value(QStringLiteral("libtorch")).toString().isEmpty());
        QCOMPARE(env.value(QStringLiteral("qt")).toString(), QString::fromLatin1(qVersion()));
        QCOMPARE(env.value(QStringLiteral("world_size")).toInt(), 1);
        QCOMPARE(env.value(QStringLiteral("cpu_model")).toString(), cpuModel());

        const NvmlLibrary absent(QStringLiteral("libnvidia-ml-absent.so.1"));
        const QJsonObject cpuOnly =
            runEnvironment({QStringLiteral("cpu"), QStringLiteral("cpu")}, 2, absent);
        QCOMPARE(cpuOnly.value(QStringLiteral("driver")).toString(), QStringLiteral("none"));
        QCOMPARE(cpuOnly.value(QStringLiteral("gpu_models")).toArray(), QJsonArray());
        QCOMPARE(cpuOnly.value(QStringLiteral("world_size")).toInt(), 2);
        QVERIFY(cpuOnly.value(QStringLiteral("nvml")).toString().contains(QStringLiteral("not")));
    }

    void cpuModelIsReadFromCpuinfo() {
        QTemporaryDir dir;
        const QString x86 = dir.filePath(QStringLiteral("x86"));
        test::writeFile(x86, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) "
                             "Xeon(R) CPU @ 2.20GHz\nflags\t: fpu\n\nprocessor\t: 1\n");
        QCOMPARE(cpuModel(x86), QStringLiteral("Intel(R) Xeon(R) CPU @ 2.20GHz"));
        const QString arm = dir.filePath(QStringLiteral("arm"));
        test::writeFile(arm, "processor\t: 0\nBogoMIPS\t: 48.00\n\nProcessor\t: ARMv7 rev 4\n");
        QCOMPARE(cpuModel(arm), QStringLiteral("ARMv7 rev 4"));
        QVERIFY(cpuModel(dir.filePath(QStringLiteral("absent"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNvml)
#include "tst_nvml.moc"
