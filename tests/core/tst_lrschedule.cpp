// Learning-rate schedules as pure functions of the step.
#include "train/EarlyStopping.h"
#include "train/LrSchedule.h"

#include <QtTest>
#include <cmath>

using namespace trainlab;

class TestLrSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void constantStaysPut() {
        ScheduleSpec s;
        QCOMPARE(scheduledLr(s, 0.1, 0, 100, 0), 0.1);
        QCOMPARE(scheduledLr(s, 0.1, 99, 100, 9), 0.1);
    }
    void warmupRampsLinearly() {
        ScheduleSpec s;
        s.warmupSteps = 10;
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 0), 0.1);
        QCOMPARE(scheduledLr(s, 1.0, 4, 100, 0), 0.5);
        QCOMPARE(scheduledLr(s, 1.0, 10, 100, 0), 1.0);
    }
    void cosineGoesFromBaseToMin() {
        ScheduleSpec s;
        s.type = QStringLiteral("cosine");
        s.minLr = 0.01;
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 0), 1.0);
        QVERIFY(std::abs(scheduledLr(s, 1.0, 50, 100, 0) - 0.505) < 1e-12);
        QVERIFY(std::abs(scheduledLr(s, 1.0, 100, 100, 0) - 0.01) < 1e-12);
    }
    void stepAndExponentialDecayPerEpoch() {
        ScheduleSpec s;
        s.type = QStringLiteral("step");
        s.stepEpochs = 3;
        s.gamma = 0.5;
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 2), 1.0);
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 3), 0.5);
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 6), 0.25);
        s.type = QStringLiteral("exponential");
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 2), 0.25);
    }
    void multistepDecaysAtMilestones() {
        ScheduleSpec s;
        s.type = QStringLiteral("multistep");
        s.milestones = {2, 5};
        s.gamma = 0.1;
        QCOMPARE(scheduledLr(s, 1.0, 0, 100, 1), 1.0);
        QVERIFY(std::abs(scheduledLr(s, 1.0, 0, 100, 2) - 0.1) < 1e-12);
        QVERIFY(std::abs(scheduledLr(s, 1.0, 0, 100, 7) - 0.01) < 1e-12);
    }
    void oneCycleRisesThenFalls() {
        ScheduleSpec s;
        s.type = QStringLiteral("one_cycle");
        const int64_t total = 1000;
        QVERIFY(std::abs(scheduledLr(s, 1.0, 0, total, 0) - 1.0 / 25) < 1e-12);
        const int64_t peak = int64_t(0.3 * total) - 1;
        QVERIFY(std::abs(scheduledLr(s, 1.0, peak, total, 0) - 1.0) < 1e-9);
        QVERIFY(scheduledLr(s, 1.0, 100, total, 0) < scheduledLr(s, 1.0, 200, total, 0));
        QVERIFY(scheduledLr(s, 1.0, 600, total, 0) > scheduledLr(s, 1.0, 800, total, 0));
        QVERIFY(std::abs(scheduledLr(s, 1.0, total - 1, total, 0) - 1.0 / 25 / 1e4) < 1e-12);
    }
    void plateauUsesItsScale() {
        ScheduleSpec s;
        s.type = QStringLiteral("reduce_on_plateau");
        QCOMPARE(scheduledLr(s, 0.4, 10, 100, 3, 0.25), 0.1);
    }
    void earlyStoppingCountsPatience() {
        EarlyStoppingSpec spec;
        spec.metric = QStringLiteral("val_loss");
        spec.patience = 2;
        spec.minDelta = 0.01;
        EarlyStopping stop(spec);
        QVERIFY(!stop.update(1.0));
        QVERIFY(!stop.update(0.5));
        QVERIFY(!stop.update(0.495)); // within min_delta: not an improvement
        QVERIFY(stop.update(0.6));
        EarlyStoppingSpec acc;
        acc.metric = QStringLiteral("val_accuracy");
        acc.patience = 1;
        EarlyStopping up(acc);
        QVERIFY(!up.update(0.5));
        QVERIFY(!up.update(0.7));
        QVERIFY(up.update(0.6));
    }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "tst_lrschedule.moc"
