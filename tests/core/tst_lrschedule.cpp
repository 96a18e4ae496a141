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
