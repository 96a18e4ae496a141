// Which job holds which device: the CPU's slots add up over the jobs on it, a GPU is held by
// one job, queued and finished jobs hold nothing.
#include "jobs/DeviceUsage.h"

#include <QtTest>

using namespace trainlab;

namespace {

JobInfo job(qint64 id, RunStatus status, QStringList devices, int cpuSlots) {
    JobInfo info;
    info.id = id;
    info.kind = JobKind::Run;
    info.title = QStringLiteral("job%1").arg(id);
    info.status = status;
    info.devices = std::move(devices);
    info.cpuSlots = cpuSlots;
    return info;
}

} // namespace

class TestDeviceUsage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idleDevicesAreListed() {
        const auto usage = deviceUsage({}, 8, {QStringLiteral("cuda:0"), QStringLiteral("cuda:1")});
        QCOMPARE(usage.size(), 3);
        QCOMPARE(usage[0].device, QStringLiteral("cpu"));
        QCOMPARE(usage[0].capacity, 8);
        QCOMPARE(usage[0].used, 0);
        QCOMPARE(usage[2].device, QStringLiteral("cuda:1"));
        QCOMPARE(usage[2].capacity, 1);
        QVERIFY(usage[2].jobs.isEmpty());
    }

    void holdersAreTheJobsThatRun() {
        const QVector<JobInfo> jobs = {
            job(1, RunStatus::Running, {QStringLiteral("cpu")}, 2),
            job(2, RunStatus::Paused, {QStringLiteral("cpu")}, 4), // paused still holds
            job(3, RunStatus::Running, {QStringLiteral("cuda:1")}, 0),
            job(4, RunStatus::Queued, {}, 0),
            job(5, RunStatus::Completed, {QStringLiteral("cuda:0")}, 0), // released
            job(6, RunStatus::Running, {}, 0), // a sweep: coordinates, holds nothing
        };
        const auto usage =
            deviceUsage(jobs, 8, {QStringLiteral("cuda:0"), QStringLiteral("cuda:1")});
        QCOMPARE(usage[0].used, 6);
        QCOMPARE(usage[0].jobs, (QVector<qint64>{1, 2}));
        QCOMPARE(usage[0].titles, (QStringList{QStringLiteral("job1"), QStringLiteral("job2")}));
        QCOMPARE(usage[1].used, 0); // cuda:0, its job finished
        QCOMPARE(usage[2].used, 1);
        QCOMPARE(usage[2].jobs, (QVector<qint64>{3}));
    }

    void aGpuRunCountsItsCpuSlotsToo() {
        const auto usage = deviceUsage({job(7, RunStatus::Running, {QStringLiteral("cuda:0")}, 1)},
                                       4, {QStringLiteral("cuda:0")});
        QCOMPARE(usage[0].used, 1);
        QCOMPARE(usage[1].jobs, (QVector<qint64>{7}));
    }
};

QTEST_MAIN(TestDeviceUsage)
#include "tst_deviceusage.moc"
