// The runs table model under Qt's model tester.
#include "RunsTableModel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace trainlab;

namespace {

RunListEntry entry(qint64 id, RunStatus status, double accuracy) {
    RunListEntry e;
    e.run.id = id;
    e.run.name = QStringLiteral("run-%1").arg(id);
    e.run.status = status;
    e.run.started = QStringLiteral("2026-11-22T10:00:00.000Z");
    e.run.deviceHours = 0.5 / 3600.0;
    e.finalMetrics.insert(QStringLiteral("val_accuracy"), accuracy);
    return e;
}

} // namespace

class TestRunsTableModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passesModelTester() {
        RunsTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({entry(2, RunStatus::Running, 0.5), entry(1, RunStatus::Completed, 0.9)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(RunsTableModel::Count));
        model.setRuns({entry(2, RunStatus::Completed, 0.95), entry(1, RunStatus::Completed, 0.9)});
        model.setRuns({entry(3, RunStatus::Queued, 0), entry(2, RunStatus::Completed, 0.95),
                       entry(1, RunStatus::Completed, 0.9)});
        model.setRuns({});
        QCOMPARE(model.rowCount(), 0);
    }

    void showsRunFields() {
        RunsTableModel model;
        model.setRuns({entry(7, RunStatus::Failed, 0.8125)});
        QCOMPARE(model.index(0, RunsTableModel::Id).data().toLongLong(), 7);
        QCOMPARE(model.index(0, RunsTableModel::Status).data().toString(),
                 QStringLiteral("failed"));
        QCOMPARE(model.index(0, RunsTableModel::ValAccuracy).data().toString(),
                 QStringLiteral("0.8125"));
        QCOMPARE(model.index(0, RunsTableModel::TestAccuracy).data(), QVariant());
        QCOMPARE(model.index(0, RunsTableModel::Started).data().toString(),
                 QStringLiteral("2026-11-22 10:00:00"));
        QCOMPARE(model.index(0, RunsTableModel::DeviceHours).data().toString(),
                 QStringLiteral("0.5 s"));
        // No price set: the cost is empty, not a zero.
        QCOMPARE(model.index(0, RunsTableModel::Cost).data(), QVariant());
        QCOMPARE(model.headerData(RunsTableModel::Cost, Qt::Horizontal).toString(),
                 QStringLiteral("Cost"));
        RunListEntry priced = entry(8, RunStatus::Completed, 0.9);
        priced.run.cost = 0.0001234;
        priced.run.energyJ = 1480;
        priced.run.energySource = QStringLiteral("rapl");
        model.setRuns({priced, entry(7, RunStatus::Failed, 0.8125)});
        QCOMPARE(model.index(0, RunsTableModel::Cost).data().toString(),
                 QStringLiteral("0.000123"));
        QCOMPARE(model.index(0, RunsTableModel::Cost).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Energy 1480 J (rapl)"));
        model.setRuns({entry(7, RunStatus::Failed, 0.8125)});
        QCOMPARE(model.runIdAt(0), 7);
        QCOMPARE(model.rowOf(7), 0);
        QCOMPARE(model.rowOf(8), -1);
    }
};

QTEST_MAIN(TestRunsTableModel)
#include "tst_runstablemodel.moc"
