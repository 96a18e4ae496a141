// The paged runs model (issue 12) under QAbstractItemModelTester, over a real workspace read by
// the history reader's thread: placeholders until a page arrives, a page per request, a bounded
// cache, sweeps as parents of their trials, server-side sort and filter, and persistent indexes
// that follow their runs through a refresh and a change of grouping.
#include "../common/RunSeeding.h"

#include "RunsTreeModel.h"

#include "store/HistoryReader.h"
#include "store/StoreWriter.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace trainlab;

namespace {

constexpr int kWaitMs = 10000;

bool loaded(const QModelIndex& index) {
    return index.data(RunsTreeModel::LoadedRole).toBool();
}

} // namespace

class TestRunsTreeModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("model.db"));
        StoreWriter store(path_);
        runs_.clear();
        for (int i = 0; i < 6; ++i) {
            test::SeededRun run = test::named(QStringLiteral("run-%1").arg(i));
            run.metrics = {{QStringLiteral("val_accuracy"), 0.6 + (i % 3) / 10.0}};
            run.lr = 0.1 / (i + 1);
            runs_.append(test::seedRun(store, run));
        }
        trials_.clear();
        sweep_ = test::seedSweep(store, QStringLiteral("grid"), 4, &trials_);
        history_ = std::make_unique<HistoryReaderHost>(path_);
        model_ = std::make_unique<RunsTreeModel>(history_.get());
        tester_ = std::make_unique<QAbstractItemModelTester>(
            model_.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(model_->ready(), kWaitMs);
    }

    void cleanup() {
        tester_.reset();
        model_.reset();
        history_.reset();
    }

    void sweepsHoldTheirTrials() {
        // Newest first: the sweep (its trials are the newest runs), then the runs.
        QCOMPARE(model_->rowCount(), 7);
        const QModelIndex sweep = model_->index(0, 0);
        QCOMPARE(model_->sweepIdAt(sweep), sweep_);
        QCOMPARE(model_->runIdAt(sweep), 0);
        QCOMPARE(model_->rowCount(sweep), 4);
        QCOMPARE(model_->runIdAt(model_->index(0, 0, sweep)), trials_[3]);
        QCOMPARE(model_->runIdsUnder(sweep).size(), 4);
        QCOMPARE(model_->index(1, RunsTreeModel::Id).data().toLongLong(), runs_[5]);
        QCOMPARE(model_->indexOf(trials_[1]).parent(), sweep);
        QVERIFY(model_->index(0, RunsTreeModel::Name)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("grid")));
        QCOMPARE(model_->matchingRuns(), 10);
        QCOMPARE(model_->totalRuns(), 10);
    }

    void rowsArriveAPageAtATime() {
        model_->setPageRows(2);
        const QModelIndex first = model_->index(1, RunsTreeModel::Name);
        QVERIFY(!loaded(first));
        QCOMPARE(first.data().toString(), QStringLiteral("…")); // the placeholder asks for it
        QTRY_VERIFY_WITH_TIMEOUT(loaded(first), kWaitMs);
        QCOMPARE(first.data().toString(), QStringLiteral("run-5"));
        QCOMPARE(model_->index(1, RunsTreeModel::Status).data().toString(),
                 QStringLiteral("completed"));
        // Top rows 0-1 are one page (the sweep's row needs none); row 2 is on the next.
        QVERIFY(!model_->row(runs_[4]));
        QCOMPARE(model_->cachedRows(), 1);
        const QModelIndex trial = model_->indexOf(trials_[0], RunsTreeModel::Name);
        QTRY_VERIFY_WITH_TIMEOUT(loaded(trial), kWaitMs);
        QCOMPARE(trial.data().toString(), QStringLiteral("grid-trial-1"));
    }

    void theCacheIsBounded() {
        model_->setPageRows(2);
        model_->setCacheLimit(4);
        for (int row = 1; row < model_->rowCount(); ++row) {
            const QModelIndex index = model_->index(row, RunsTreeModel::Name);
            QTRY_VERIFY_WITH_TIMEOUT(loaded(index), kWaitMs);
            QVERIFY2(model_->cachedRows() <= 4, qPrintable(QString::number(model_->cachedRows())));
        }
        // Rows shown long ago were let go; shown again, they are read again.
        const QModelIndex early = model_->index(1, RunsTreeModel::Name);
        QTRY_VERIFY_WITH_TIMEOUT(loaded(early), kWaitMs);
    }

    void sortsAndFiltersInTheStore() {
        model_->setExtraColumns(
            {QStringLiteral("final:val_accuracy"), QStringLiteral("param:training.optimizer.lr")});
        QCOMPARE(model_->columnCount(), RunsTreeModel::Count + 2);
        QCOMPARE(model_->headerData(RunsTreeModel::Count + 1, Qt::Horizontal).toString(),
                 QStringLiteral("optimizer.lr"));
        QSignalSpy ordered(model_.get(), &RunsTreeModel::orderLoaded);
        model_->setGrouped(false);
        model_->sort(RunsTreeModel::Count + 1, Qt::AscendingOrder); // by lr, lowest first
        QTRY_COMPARE_WITH_TIMEOUT(ordered.size(), 1, kWaitMs);
        // Trials 0.001..0.004 (their params), then run-5 (0.1/6 in its spec).
        QCOMPARE(model_->runIdAt(model_->index(0, 0)), trials_[0]);
        QCOMPARE(model_->runIdAt(model_->index(4, 0)), runs_[5]);
        const QModelIndex lr = model_->index(4, RunsTreeModel::Count + 1);
        lr.data(); // asks for the page
        QTRY_COMPARE_WITH_TIMEOUT(lr.data().toString(), QStringLiteral("0.016667"), kWaitMs);

        RunFilter filter;
        filter.text = QStringLiteral("run-");
        filter.status = RunStatus::Completed;
        model_->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(model_->rowCount(), 6, kWaitMs);
        QCOMPARE(model_->totalRuns(), 10);
        filter = {};
        filter.sweep = sweep_;
        model_->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(model_->rowCount(), 4, kWaitMs);
    }

    void persistentIndexesFollowTheirRuns() {
        const QPersistentModelIndex trial = model_->indexOf(trials_[2], RunsTreeModel::Status);
        const QPersistentModelIndex run = model_->indexOf(runs_[0]);
        QVERIFY(trial.isValid() && trial.parent().isValid());
        model_->setGrouped(false);
        QVERIFY(!trial.parent().isValid());
        QCOMPARE(model_->runIdAt(trial), trials_[2]);
        QCOMPARE(trial.column(), int(RunsTreeModel::Status));
        QCOMPARE(model_->rowCount(), 10);

        // Another writer adds a run: the order is read again, the indexes stay on their runs.
        {
            StoreWriter store(path_);
            test::seedRun(store, test::named(QStringLiteral("newer")));
        }
        model_->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model_->rowCount(), 11, kWaitMs);
        QCOMPARE(model_->runIdAt(trial), trials_[2]);
        QCOMPARE(model_->runIdAt(run), runs_[0]);
        QCOMPARE(run.row(), 10);
        model_->setGrouped(true);
        QCOMPARE(model_->runIdAt(trial), trials_[2]);
        QVERIFY(trial.parent().isValid());
    }

    void aRunDeletedBeforeItsPageIsNotAskedForAgain() {
        const QModelIndex doomed = model_->index(6, RunsTreeModel::Name); // run-0
        QCOMPARE(model_->runIdAt(doomed), runs_[0]);
        {
            StoreWriter store(path_);
            store.deleteRuns({runs_[0]});
        }
        QSignalSpy arrived(model_.get(), &RunsTreeModel::rowsLoaded);
        doomed.data();
        QTRY_VERIFY_WITH_TIMEOUT(!arrived.isEmpty(), kWaitMs);
        QVERIFY(!loaded(doomed));
        QVERIFY(!model_->row(runs_[0]));
        doomed.data();
        QTest::qWait(200);
        QCOMPARE(arrived.size(), 1); // no second request for it
        model_->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model_->rowCount(), 6, kWaitMs);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
    QList<qint64> runs_;
    QList<qint64> trials_;
    qint64 sweep_ = 0;
    std::unique_ptr<HistoryReaderHost> history_;
    std::unique_ptr<RunsTreeModel> model_;
    std::unique_ptr<QAbstractItemModelTester> tester_;
};

QTEST_MAIN(TestRunsTreeModel)
#include "tst_runstreemodel.moc"
