// Telemetry: /proc parsing (a command name with spaces and parentheses), the energy figure and
// its source, the 1 Hz sampler, and a real run leaving CPU and memory samples and its energy.
#include "../common/DirectJobContext.h"
#include "../common/TestSupport.h"

#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "telemetry/EnergyAccount.h"
#include "telemetry/ProcessUsage.h"
#include "telemetry/SystemSampler.h"

#include <QDir>
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
                [&](const SystemSample& s) {
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

    void aRunStoresItsSamplesAndEnergy() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("t.db"));
        JobInfo info;
        {
            StoreWriter store(db);
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
        const auto run = reader.run(info.runId);
        QVERIFY(run->energyJ && *run->energyJ > 0);
        QVERIFY(!run->energySource.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
