// The runs table's queries (issue 12): one query orders and filters ids in SQL (by a field, a
// hyperparameter from params or else the spec, a metric's final or best value), rows are read
// by pages of ids, and the catalog lists what columns and filters can offer.
#include "../common/RunSeeding.h"

#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "store/sql/RunTableQueries.h"

#include <QtTest>

using namespace trainlab;
using test::SeededRun;
using test::seedRun;

namespace {

QVector<qint64> ids(const RunTableIndex& index) {
    QVector<qint64> result;
    for (const RunTableKey& key : index.runs)
        result.append(key.id);
    return result;
}

RunTableQuery sortedBy(RunSortKey::Kind kind, const QString& name, bool descending) {
    RunTableQuery query;
    query.sort.kind = kind;
    query.sort.name = name;
    query.sort.descending = descending;
    return query;
}

} // namespace

class TestRunTableQuery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        path_ = dir_.filePath(QStringLiteral("table.db"));
        StoreWriter store(path_);
        SeededRun a = test::named(QStringLiteral("Alpha"));
        a.lr = 0.1;
        a.metrics = {{QStringLiteral("val_loss"), 0.3}, {QStringLiteral("val_accuracy"), 0.9}};
        a_ = seedRun(store, a);
        SeededRun b = test::named(QStringLiteral("beta"));
        b.params = {{QStringLiteral("training.optimizer.lr"), 0.5}}; // overrides the spec's
        b.metrics = {{QStringLiteral("val_loss"), 0.2}, {QStringLiteral("val_accuracy"), 0.7}};
        b_ = seedRun(store, b);
        SeededRun c = test::named(QStringLiteral("gamma_100%"), RunStatus::Failed);
        c.metrics = {{QStringLiteral("val_loss"), 0.4}};
        c_ = seedRun(store, c);
        store.tagRuns({c_}, {QStringLiteral("keeper")});
        store.setRunNote({a_}, QStringLiteral("Diverged once"));
        sweep_ = test::seedSweep(store, QStringLiteral("s"), 3, &trials_);
    }

    void newestFirstByDefault() {
        WorkspaceReader reader(path_);
        const RunTableIndex index = reader.runTableIndex({});
        QCOMPARE(ids(index), (QVector<qint64>{trials_[2], trials_[1], trials_[0], c_, b_, a_}));
        QCOMPARE(index.totalRuns, 6);
        QCOMPARE(index.runs[0].sweep, sweep_);
        QCOMPARE(index.runs[3].sweep, 0);
        QCOMPARE(index.sweeps.size(), 1);
        QCOMPARE(index.sweeps.first().name, QStringLiteral("s"));
    }

    void sortsByAMetricsFinalOrBestValue() {
        WorkspaceReader reader(path_);
        // Runs without the metric come last in either direction.
        QCOMPARE(ids(reader.runTableIndex(
                     sortedBy(RunSortKey::Kind::Final, QStringLiteral("val_accuracy"), true))),
                 (QVector<qint64>{a_, b_, trials_[2], trials_[1], trials_[0], c_}));
        QCOMPARE(ids(reader.runTableIndex(
                     sortedBy(RunSortKey::Kind::Final, QStringLiteral("val_accuracy"), false))),
                 (QVector<qint64>{trials_[0], trials_[1], trials_[2], b_, a_, c_}));
        // Best of a loss is its lowest: 0.1 below the last value for every seeded run.
        const RunTableIndex best = reader.runTableIndex(
            sortedBy(RunSortKey::Kind::Best, QStringLiteral("val_loss"), false));
        QCOMPARE(ids(best).mid(0, 3), (QVector<qint64>{b_, a_, c_}));
        const QVector<RunTableRow> rows = reader.runTableRows({b_}, {});
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].final.value(QStringLiteral("val_loss")), 0.2);
        QVERIFY(qFuzzyCompare(rows[0].best.value(QStringLiteral("val_loss")), 0.1));
        QVERIFY(qFuzzyCompare(rows[0].best.value(QStringLiteral("val_accuracy")), 0.8));
    }

    void sortsByAHyperparameterFromParamsElseTheSpec() {
        WorkspaceReader reader(path_);
        const QString lr = QStringLiteral("training.optimizer.lr");
        // Trials 0.001..0.003 (params), c 0.01 and a 0.1 (their specs), b 0.5 (its params).
        QCOMPARE(ids(reader.runTableIndex(sortedBy(RunSortKey::Kind::Param, lr, false))),
                 (QVector<qint64>{trials_[0], trials_[1], trials_[2], c_, a_, b_}));
        const QVector<RunTableRow> rows = reader.runTableRows({b_, a_, 999}, {lr});
        QCOMPARE(rows.size(), 2); // in the order asked for, the missing id left out
        QCOMPARE(rows[0].run.id, b_);
        QCOMPARE(rows[0].params.value(lr).toDouble(), 0.5);
        QCOMPARE(rows[1].params.value(lr).toDouble(), 0.1);
        QCOMPARE(rows[1].run.note, QStringLiteral("Diverged once"));
    }

    void sortsByOwnFields() {
        WorkspaceReader reader(path_);
        RunTableQuery byName;
        byName.sort.field = RunField::Name;
        byName.sort.descending = false;
        byName.filter.sweep = RunFilter::kNoSweep;
        QCOMPARE(ids(reader.runTableIndex(byName)), (QVector<qint64>{a_, b_, c_}));
        RunTableQuery bySweep;
        bySweep.sort.field = RunField::Sweep;
        bySweep.sort.descending = false;
        QCOMPARE(ids(reader.runTableIndex(bySweep)),
                 (QVector<qint64>{trials_[0], trials_[1], trials_[2], c_, b_, a_}));
    }

    void filtersByTextStatusSweepAndTag() {
        WorkspaceReader reader(path_);
        auto filtered = [&](const RunFilter& filter) {
            RunTableQuery query;
            query.filter = filter;
            return ids(reader.runTableIndex(query));
        };
        RunFilter text;
        text.text = QStringLiteral("TRIAL-2"); // any case
        QCOMPARE(filtered(text), QVector<qint64>{trials_[1]});
        text.text = QStringLiteral("keep"); // a tag
        QCOMPARE(filtered(text), QVector<qint64>{c_});
        text.text = QStringLiteral("diverged"); // the note
        QCOMPARE(filtered(text), QVector<qint64>{a_});
        text.text = QStringLiteral("100%"); // LIKE's wildcards are plain characters
        QCOMPARE(filtered(text), QVector<qint64>{c_});
        text.text = QStringLiteral("m_a"); // "mma" would match an unescaped _
        QVERIFY(filtered(text).isEmpty());
        RunFilter status;
        status.status = RunStatus::Failed;
        QCOMPARE(filtered(status), QVector<qint64>{c_});
        RunFilter sweep;
        sweep.sweep = sweep_;
        QCOMPARE(filtered(sweep).size(), 3);
        sweep.sweep = RunFilter::kNoSweep;
        QCOMPARE(filtered(sweep), (QVector<qint64>{c_, b_, a_}));
        RunFilter tag;
        tag.tag = QStringLiteral("keeper");
        QCOMPARE(filtered(tag), QVector<qint64>{c_});
        tag.tag = QStringLiteral("keep"); // a tag filter is exact
        QVERIFY(filtered(tag).isEmpty());
    }

    void catalogListsWhatTheTableCanOffer() {
        WorkspaceReader reader(path_);
        const RunColumnCatalog catalog = reader.runColumnCatalog();
        QCOMPARE(catalog.params, QStringList{QStringLiteral("training.optimizer.lr")});
        QCOMPARE(catalog.metrics,
                 (QStringList{QStringLiteral("val_accuracy"), QStringLiteral("val_loss")}));
        QCOMPARE(catalog.tags, QStringList{QStringLiteral("keeper")});
        QCOMPARE(catalog.sweeps.size(), 1);
    }

    void specAddressesBecomeJsonPaths() {
        QCOMPARE(runtable::specJsonPath(QStringLiteral("model.layers[0].out")),
                 QStringLiteral(R"($."model"."layers"[0]."out")"));
        QCOMPARE(runtable::specJsonPath(QStringLiteral("lr")), QStringLiteral(R"($."lr")"));
        QVERIFY(runtable::specJsonPath(QStringLiteral("a..b")).isEmpty());
        QVERIFY(runtable::specJsonPath(QStringLiteral("a\"b")).isEmpty());
    }

private:
    QTemporaryDir dir_;
    QString path_;
    qint64 a_ = 0;
    qint64 b_ = 0;
    qint64 c_ = 0;
    qint64 sweep_ = 0;
    QList<qint64> trials_;
};

QTEST_GUILESS_MAIN(TestRunTableQuery)
#include "tst_runtablequery.moc"
