// trainlab-cli compare: the window's Compare tab headless. The fields that differ (name and
// learning rate, nothing else), final and best metrics side by side, every series as CSV, and
// bad input named with exit code 2.
#include "../common/CliSupport.h"
#include "../common/RunSeeding.h"
#include "../common/TestSupport.h"

#include "store/StoreWriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace trainlab;
using test::CliResult;
using test::runCli;

class TestCliCompare : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        db_ = dir_.filePath(QStringLiteral("compare.db"));
        StoreWriter store(db_);
        test::SeededRun a = test::named(QStringLiteral("a"));
        a.lr = 0.01;
        a.metrics = {{QStringLiteral("val_accuracy"), 0.8}, {QStringLiteral("loss"), 0.5}};
        test::SeededRun b = test::named(QStringLiteral("b"));
        b.lr = 0.05;
        b.metrics = {{QStringLiteral("val_accuracy"), 0.9}, {QStringLiteral("loss"), 0.4}};
        first_ = test::seedRun(store, a);
        second_ = test::seedRun(store, b);
        store.flush();
    }

    void jsonListsExactlyWhatDiffers() {
        const CliResult result =
            runCli({QStringLiteral("compare"), QString::number(first_), QString::number(second_),
                    QStringLiteral("--json"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject doc = test::parseJson(result.out).object();
        const QJsonArray runs = doc.value(QStringLiteral("runs")).toArray();
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[0][QStringLiteral("id")].toInteger(), first_);
        QStringList fields;
        for (const QJsonValue& d : doc.value(QStringLiteral("differences")).toArray())
            fields << d[QStringLiteral("field")].toString();
        QCOMPARE(fields,
                 (QStringList{QStringLiteral("name"), QStringLiteral("training.optimizer.lr")}));
        const QJsonArray lr =
            doc.value(QStringLiteral("differences"))[1][QStringLiteral("values")].toArray();
        QCOMPARE(lr, (QJsonArray{QStringLiteral("0.01"), QStringLiteral("0.05")}));
        // Seeded curves: the last value is final; the best is 0.1 better.
        for (const QJsonValue& m : doc.value(QStringLiteral("metrics")).toArray()) {
            if (m[QStringLiteral("name")] != QStringLiteral("val_accuracy"))
                continue;
            QCOMPARE(m[QStringLiteral("higher_is_better")].toBool(), true);
            QCOMPARE(m[QStringLiteral("final")][1].toDouble(), 0.9);
            QCOMPARE(m[QStringLiteral("best")][1].toDouble(), 1.0);
            return;
        }
        QFAIL("no val_accuracy among the metrics");
    }

    void textAndCsv() {
        CliResult result = runCli({QStringLiteral("compare"), QString::number(first_),
                                   QString::number(second_), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.contains("fields that differ:"), result.out.constData());
        QVERIFY(result.out.contains("training.optimizer.lr"));
        QVERIFY(result.out.contains("val_accuracy"));
        result =
            runCli({QStringLiteral("compare"), QString::number(first_), QString::number(second_),
                    QStringLiteral("--csv"), QStringLiteral("--db"), db_});
        QCOMPARE(result.exitCode, 0);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        // The header, then 2 runs x 2 metrics x 3 steps.
        QCOMPARE(lines.size(), 1 + 12);
        QVERIFY2(lines[0].startsWith("run,"), lines[0].constData());
    }

    void badInputIsNamed() {
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("compare"), QString::number(first_),
                                            QStringLiteral("--db"), db_}),
                                    2, "two runs or more");
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("compare"), QString::number(first_),
                                            QStringLiteral("999"), QStringLiteral("--db"), db_}),
                                    2, "no run 999");
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("compare"), QString::number(first_),
                                            QString::number(first_), QStringLiteral("--db"), db_}),
                                    2, "named twice");
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("compare"), QString::number(first_),
                                            QStringLiteral("x"), QStringLiteral("--db"), db_}),
                                    2, "'x' is not a run id");
    }

private:
    QTemporaryDir dir_;
    QString db_;
    qint64 first_ = 0;
    qint64 second_ = 0;
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_clicompare.moc"
