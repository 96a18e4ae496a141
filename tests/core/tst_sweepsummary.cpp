// The sweep view's reading of a `show-sweep` report: axes, leaderboard order, best so far and
// brushes, checked against values worked out by hand.
#include "../common/SweepReportFixture.h"
#include "store/SweepSummary.h"

#include <QtTest>

using namespace trainlab;

class TestSweepSummary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsTheReport() {
        const SweepSummary s = sweepSummaryFromReport(test::sweepReport());
        QCOMPARE(s.id, 7);
        QCOMPARE(s.name, QStringLiteral("lr search"));
        QCOMPARE(s.status, RunStatus::Completed);
        QCOMPARE(s.objectives.size(), 2);
        QVERIFY(s.objectives[0].maximize);
        QVERIFY(!s.objectives[1].maximize);
        QCOMPARE(s.trials.size(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(s.trials[i].trial, i + 1); // in trial order, whatever the report's order
        QCOMPARE(s.trials[4].status, RunStatus::Failed);
        QCOMPARE(s.params, (QStringList{QStringLiteral("training.optimizer.lr"),
                                        QStringLiteral("training.optimizer.type")}));
        QCOMPARE(s.metrics,
                 (QStringList{QStringLiteral("energy_j"), QStringLiteral("val_accuracy")}));
        QCOMPARE(s.choices.value(QStringLiteral("training.optimizer.type")),
                 (QStringList{QStringLiteral("adam"), QStringLiteral("sgd")}));
        QCOMPARE(s.pareto, (QList<int>{1, 2}));
        QCOMPARE(s.importance.size(), 2);
        QCOMPARE(s.importance.front().first, QStringLiteral("training.optimizer.type"));
    }

    void axesAreNumbersAndChoicesArePlaces() {
        const SweepSummary s = sweepSummaryFromReport(test::sweepReport());
        const SweepTrialPoint& third = s.trials[2];
        QCOMPARE(*s.axisValue(third, QStringLiteral("training.optimizer.lr")), 0.1);
        QCOMPARE(*s.axisValue(third, QStringLiteral("training.optimizer.type")), 1.0); // sgd
        QCOMPARE(*s.axisValue(s.trials[0], QStringLiteral("training.optimizer.type")), 0.0);
        QCOMPARE(*s.axisValue(third, QStringLiteral("val_accuracy")), 0.85);
        QVERIFY(!s.axisValue(s.trials[4], QStringLiteral("val_accuracy")));
        QVERIFY(!s.axisValue(third, QStringLiteral("no_such_field")));
        // Only a completed trial has an objective value: the pruned 0.95 does not count.
        QVERIFY(!s.objectiveValue(s.trials[3]));
        QCOMPARE(*s.objectiveValue(s.trials[1]), 0.91);
    }

    void leaderboardRanksCompletedTrialsBestFirst() {
        const SweepSummary s = sweepSummaryFromReport(test::sweepReport());
        QVector<int> trials;
        for (int index : leaderboardOrder(s))
            trials.append(s.trials[index].trial);
        // 0.91 (trial 2), 0.91 (trial 6: a tie keeps trial order), 0.85, 0.80; then the rest.
        QCOMPARE(trials, (QVector<int>{2, 6, 3, 1, 4, 5}));

        const SweepSummary low = sweepSummaryFromReport(test::sweepReport("minimize"));
        trials.clear();
        for (int index : leaderboardOrder(low))
            trials.append(low.trials[index].trial);
        QCOMPARE(trials, (QVector<int>{1, 3, 2, 6, 4, 5}));
    }

    void bestSoFarFollowsTrialOrder() {
        const SweepSummary s = sweepSummaryFromReport(test::sweepReport());
        const auto best = bestSoFar(s);
        QCOMPARE(best.size(), 6);
        const QVector<double> expected{0.80, 0.91, 0.91, 0.91, 0.91, 0.91};
        for (int i = 0; i < 6; ++i) {
            QVERIFY(best[i]);
            QCOMPARE(*best[i], expected[i]);
        }
        const auto lowBest = bestSoFar(sweepSummaryFromReport(test::sweepReport("minimize")));
        QCOMPARE(*lowBest[5], 0.80);
    }

    void brushesKeepTheTrialsInsideEveryRange() {
        const SweepSummary s = sweepSummaryFromReport(test::sweepReport());
        const auto inside = [&s](const QVector<AxisBrush>& brushes) {
            QVector<int> trials;
            for (const SweepTrialPoint& t : s.trials)
                if (insideBrushes(s, t, brushes))
                    trials.append(t.trial);
            return trials;
        };
        QCOMPARE(inside({}), (QVector<int>{1, 2, 3, 4, 5, 6}));
        const AxisBrush lr{QStringLiteral("training.optimizer.lr"), 0.005, 0.2};
        QCOMPARE(inside({lr}), (QVector<int>{2, 3, 6}));
        const AxisBrush sgd{QStringLiteral("training.optimizer.type"), 0.5, 1.5};
        QCOMPARE(inside({lr, sgd}), (QVector<int>{3, 6}));
        // The failed trial has no accuracy: a brush on it leaves that trial out.
        const AxisBrush accuracy{QStringLiteral("val_accuracy"), 0, 1};
        QCOMPARE(inside({accuracy}), (QVector<int>{1, 2, 3, 4, 6}));
    }

    void anEmptyReportIsAnEmptySummary() {
        const SweepSummary s = sweepSummaryFromReport({});
        QVERIFY(s.empty());
        QVERIFY(leaderboardOrder(s).isEmpty());
        QVERIFY(bestSoFar(s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSweepSummary)
#include "tst_sweepsummary.moc"
