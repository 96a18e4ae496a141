// Telemetry: /proc parsing (a command name with spaces and parentheses; the peak, resident and
// available memory the batch-size finder reads), the energy figure and
// its source, the 1 Hz sampler, the cost settings, and a real run leaving CPU and memory samples
// (GPU columns empty, not zero), its energy series, its environment, energy and cost.
#include "../common/DirectJobContext.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "base/ProcessMemory.h"
#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "telemetry/CostSettings.h"
#include "telemetry/EnergyAccount.h"
#include "telemetry/ProcessUsage.h"
#include "telemetry/SystemSampler.h"

#include <QDir>
#include <QJsonArray>
#include <QtTest>
#include <atomic>
#include <unistd.h>

using namespace trainlab;

namespace {

void writeProc(const QString& dir, double utimeTicks, double stimeTicks, double residentPages) {
    QDir().mkpath(dir);
    test::writeFile(dir + QStringLiteral("/stat"),
                    QStringLiteral("4242 (tricky (name) x) S 1 2 3 4 5 6 7 8 9 10 %1 %2 0 0 20 0 "
                                   "9 0 100 2000000 300\n")
                        .arg(utimeTicks)
                        .arg(stimeTicks)
                        .toUtf8());
    test::writeFile(dir + QStringLiteral("/statm"),
                    QStringLiteral("5000 %1 100 10 0 200 0\n").arg(residentPages).toUtf8());
}

} // namespace

class TestTelemetry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void processUsageIsReadFromProc() {
        QTemporaryDir dir;
        const QString proc = dir.filePath(QStringLiteral("self"));
        writeProc(proc, 250, 50, 1000);
        const auto usage = readProcessUsage(proc);
        QVERIFY(usage);
        const double ticks = double(sysconf(_SC_CLK_TCK));
        QCOMPARE(usage->cpuSeconds, 300.0 / ticks);
        QCOMPARE(usage->rssBytes, 1000.0 * double(sysconf(_SC_PAGESIZE)));
        // Missing or garbled: nothing, never zeros.
        QVERIFY(!readProcessUsage(dir.filePath(QStringLiteral("absent"))));
        test::writeFile(proc + QStringLiteral("/stat"), "garbage without parentheses");
        QVERIFY(!readProcessUsage(proc));
        // This process, for real.
        const auto self = readProcessUsage();
        QVERIFY(self && self->rssBytes > 1e6);
    }

    void memoryFiguresAreReadFromProc() {
        QTemporaryDir dir;
        const QString proc = dir.filePath(QStringLiteral("self"));
        QDir().mkpath(proc);
        test::writeFile(proc + QStringLiteral("/status"),
                        "Name:\tx (y)\nVmPeak:\t  900000 kB\nVmHWM:\t    512000 kB\n"
                        "VmRSS:\t    256000 kB\nThreads:\t3\n");
        QCOMPARE(*peakResidentBytes(proc), 512000.0 * 1024);
        QCOMPARE(*residentBytes(proc), 256000.0 * 1024);
        const QString meminfo = dir.filePath(QStringLiteral("meminfo"));
        test::writeFile(meminfo, "MemTotal:       24000000 kB\nMemFree:  1000 kB\n"
                                 "MemAvailable:   20000000 kB\n");
        QCOMPARE(*availableMemoryBytes(meminfo), 20000000.0 * 1024);
        // Missing, in other units, or garbled: nothing, never zeros.
        QVERIFY(!peakResidentBytes(dir.filePath(QStringLiteral("absent"))));
        test::writeFile(proc + QStringLiteral("/status"), "VmHWM:\t512 MB\nVmRSS: lots kB\n");
        QVERIFY(!peakResidentBytes(proc));
        QVERIFY(!residentBytes(proc));
        test::writeFile(meminfo, "MemTotal: 1 kB\n"); // an old kernel without MemAvailable
        QVERIFY(!availableMemoryBytes(meminfo));
        // This process, for real (read a moment apart, so only roughly ordered).
        const auto now = residentBytes();
        const auto peak = peakResidentBytes();
        QVERIFY(now && peak);
        QVERIFY2(*now > 1e6 && *peak >= 0.9 * *now,
                 qPrintable(QStringLiteral("resident %1, peak %2").arg(*now).arg(*peak)));
    }

    void energyIsMeasuredOrMarkedAsAnEstimate() {
        QTemporaryDir noRapl;
        const EnergyAccount estimate(12.5, noRapl.path());
        const EnergyFigure figure = estimate.figure(8.0);
        QCOMPARE(figure.joules, 100.0);
        QVERIFY2(figure.source.startsWith(QStringLiteral("estimate:")), qPrintable(figure.source));
        QVERIFY(figure.source.contains(QStringLiteral("12.5 W")));
        // A readable RAPL counter wins, with the measured joules.
        QTemporaryDir rapl;
        const QString domain = rapl.filePath(QStringLiteral("intel-rapl:0"));
        QDir().mkpath(domain);
        test::writeFile(domain + QStringLiteral("/energy_uj"), "1000000\n");
        test::writeFile(domain + QStringLiteral("/max_energy_range_uj"), "262143328850\n");
        test::writeFile(domain + QStringLiteral("/name"), "package-0\n");
        const EnergyAccount measured(12.5, rapl.path());
        test::writeFile(domain + QStringLiteral("/energy_uj"), "4000000\n");
        const EnergyFigure read = measured.figure(8.0);
        QCOMPARE(read.source, QStringLiteral("rapl"));
        QCOMPARE(read.joules, 3.0);
    }

    void samplerRecordsEveryIntervalUntilDestroyed() {
        QTemporaryDir dir;
        const QString proc = dir.filePath(QStringLiteral("self"));
        writeProc(proc, 100, 0, 10);
        std::atomic<int> samples{0};
        std::atomic<bool> sawCpu{false};
        {
            SystemSampler sampler(
                7,
                [&](const QVector<SystemSample>& round) {
                    QCOMPARE(round.size(), 1); // no GPU: the CPU's row alone
                    const SystemSample& s = round.first();
                    QCOMPARE(s.run, qint64(7));
                    QCOMPARE(s.device, QStringLiteral("cpu"));
                    QVERIFY(!s.powerW && !s.gpuMemUsedBytes); // not measured: empty
                    if (s.cpuPercent)
                        sawCpu = true;
                    ++samples;
                },
                std::chrono::milliseconds(20), proc);
            QTRY_VERIFY(samples >= 4);
        }
        const int atEnd = samples;
        QTest::qWait(100);
        QCOMPARE(samples.load(), atEnd); // stopped with the sampler
        QVERIFY(sawCpu);
    }

    void costSettingsComeFromEnvironmentWorkspaceOrDefault() {
        const SettingDefinition& kwh = settingDefinition(QStringLiteral("price_per_kwh"));
        QCOMPARE(resolveSetting(kwh, {}).origin, QStringLiteral("unset"));
        QVERIFY(!resolveSetting(kwh, {}).value);
        const QMap<QString, QString> stored{
            {QStringLiteral("price_per_kwh"), QStringLiteral("0.3")}};
        QCOMPARE(resolveSetting(kwh, stored).value, std::optional<double>(0.3));
        QCOMPARE(resolveSetting(kwh, stored).origin, QStringLiteral("workspace"));
        const SettingDefinition& watts = settingDefinition(QStringLiteral("watts_per_core"));
        QCOMPARE(resolveSetting(watts, {}).value, std::optional<double>(10));
        QCOMPARE(resolveSetting(watts, {}).origin, QStringLiteral("default"));
        {
            qputenv("TRAINLAB_PRICE_PER_KWH", "0.5");
            QCOMPARE(resolveSetting(kwh, stored).value, std::optional<double>(0.5));
            QCOMPARE(resolveSetting(kwh, stored).origin,
                     QStringLiteral("environment (TRAINLAB_PRICE_PER_KWH)"));
            qputenv("TRAINLAB_PRICE_PER_KWH", "cheap");
            QVERIFY_THROWS_EXCEPTION(InputError, resolveSetting(kwh, stored));
            try {
                resolveSetting(kwh, stored);
            } catch (const InputError& e) {
                QCOMPARE(e.message(), QStringLiteral("TRAINLAB_PRICE_PER_KWH: must be a number >= "
                                                     "0, got 'cheap'"));
            }
            qunsetenv("TRAINLAB_PRICE_PER_KWH");
        }
        QVERIFY_THROWS_EXCEPTION(InputError, parseSettingValue(watts, QStringLiteral("0"), {}));
        QVERIFY_THROWS_EXCEPTION(InputError, parseSettingValue(kwh, QStringLiteral("-1"), {}));
        QVERIFY_THROWS_EXCEPTION(InputError, parseSettingValue(kwh, QStringLiteral("inf"), {}));
        QVERIFY_THROWS_EXCEPTION(InputError, settingDefinition(QStringLiteral("price")));
        // Money: J -> kWh at the energy price, plus hours at the device price.
        CostSettings costs = CostSettings::resolve({});
        QVERIFY(!costs.priced());
        QVERIFY(!costs.cost(3.6e6, 1)); // no price: unknown, not zero
        costs.pricePerKwh = 0.25;
        QCOMPARE(*costs.cost(7.2e6, 3), 0.5); // the device-hour price unset counts as nothing
        costs.pricePerDeviceHour = 2;
        QCOMPARE(*costs.cost(7.2e6, 3), 6.5);
    }

    void aRunStoresItsSamplesEnergySeriesEnvironmentAndCost() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("t.db"));
        JobInfo info;
        {
            StoreWriter store(db);
            store.setSetting(QStringLiteral("price_per_kwh"), QStringLiteral("0.4"));
            store.setSetting(QStringLiteral("price_per_device_hour"), QStringLiteral("1.5"));
            test::DirectJobContext context(store);
            RunJob job(RunRequest{
                loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=12")}),
                {},
                0});
            info = context.run(job);
        }
        QCOMPARE(info.status, RunStatus::Completed);
        WorkspaceReader reader(db);
        const QVector<SystemSample> samples = reader.systemSamples(info.runId);
        QVERIFY2(!samples.isEmpty(), "a run of a second or more has a sample");
        QVERIFY(samples.first().rssBytes.value_or(0) > 1e6);
        for (const SystemSample& s : samples) { // a CPU run: no GPU row, its GPU columns NULL
            QCOMPARE(s.device, QStringLiteral("cpu"));
            QVERIFY(!s.gpuMemUsedBytes && !s.gpuMemTotalBytes && !s.utilPercent && !s.powerW &&
                    !s.temperatureC && !s.gpuEnergyJ && !s.cudaAllocatedBytes);
        }
        const auto run = reader.run(info.runId);
        QVERIFY(run->energyJ && *run->energyJ > 0);
        QVERIFY(!run->energySource.isEmpty());
        QVERIFY(run->cost && run->deviceHours);
        QVERIFY(std::abs(*run->cost - (*run->energyJ / 3.6e6 * 0.4 + *run->deviceHours * 1.5)) <
                1e-12);

        // The energy series: one point per log window, growing, never past the run's total.
        const QVector<MetricPoint> energy =
            reader.metricSeries(info.runId, QStringLiteral("energy_j"));
        QCOMPARE(energy.size(), reader.metricSeries(info.runId, QStringLiteral("lr")).size());
        QVERIFY(energy.size() >= 12);
        for (qsizetype i = 1; i < energy.size(); ++i) {
            QVERIFY(energy[i].step > energy[i - 1].step);
            QVERIFY(energy[i].value >= energy[i - 1].value);
        }
        QVERIFY(energy.last().value <= *run->energyJ);

        const QJsonObject env = run->environment;
        QCOMPARE(env.value(QStringLiteral("world_size")).toInt(), 1);
        QCOMPARE(env.value(QStringLiteral("devices")).toArray(),
                 QJsonArray({QStringLiteral("cpu")}));
        QCOMPARE(env.value(QStringLiteral("qt")).toString(), QString::fromLatin1(qVersion()));
        QVERIFY(!env.value(QStringLiteral("libtorch")).toString().isEmpty());
        QVERIFY(!env.value(QStringLiteral("cpu_model")).toString().isEmpty());
        QVERIFY(env.contains(QStringLiteral("cuda")) && env.contains(QStringLiteral("driver")));
        // `show --json` carries all of it.
        const QJsonObject report = reader.runReport(*run);
        QCOMPARE(report.value(QStringLiteral("environment")).toObject(), env);
        QCOMPARE(report.value(QStringLiteral("cost")).toDouble(), *run->cost);
        QCOMPARE(report.value(QStringLiteral("system_samples")).toInt(), int(samples.size()));
    }

    void aBadPriceInTheEnvironmentFailsTheRunNamingIt() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("t.db"));
        qputenv("TRAINLAB_PRICE_PER_DEVICE_HOUR", "-2");
        JobInfo info;
        {
            StoreWriter store(db);
            test::DirectJobContext context(store);
            RunJob job(RunRequest{loadSpecFile(test::quickstartSpec(), {}), {}, 0});
            info = context.run(job);
        }
        qunsetenv("TRAINLAB_PRICE_PER_DEVICE_HOUR");
        QCOMPARE(info.status, RunStatus::Failed);
        QCOMPARE(info.failure, FailureKind::BadInput);
        QVERIFY2(info.error.contains(QStringLiteral("TRAINLAB_PRICE_PER_DEVICE_HOUR: must be a "
                                                    "number >= 0, got '-2'")),
                 qPrintable(info.error));
        WorkspaceReader reader(db);
        const auto run = reader.run(info.runId);
        QCOMPARE(run->status, RunStatus::Failed);
        QVERIFY(!run->energyJ && !run->cost); // nothing measured: nothing made up
    }

    void theSamplerCanBeOffAndEnergyIsStillAccounted() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("t.db"));
        JobInfo info;
        {
            StoreWriter store(db);
            test::DirectJobContext context(store);
            RunRequest request{
                loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=3")}), {}, 0};
            request.telemetryIntervalMs = 0;
            RunJob job(request);
            info = context.run(job);
        }
        QCOMPARE(info.status, RunStatus::Completed);
        WorkspaceReader reader(db);
        QVERIFY(reader.systemSamples(info.runId).isEmpty());
        const auto run = reader.run(info.runId);
        QVERIFY(run->energyJ && !run->energySource.isEmpty());
        QVERIFY(!run->cost); // no price set
    }
};

QTEST_GUILESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
