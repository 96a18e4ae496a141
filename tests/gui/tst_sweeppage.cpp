// The Sweep page builds the `sweep` block as a person would: Add parameter, cells edited by
// double-clicking, strategy and counts picked and typed. Core reads what it writes
// (sweepDefinitionFromJson), the page shows the grid's size or the planned trials, and with no
// parameters the block is gone and the experiment is a plain run again.
#include "../common/FormDriving.h"
#include "../common/TestSupport.h"

#include "ScientificSpinBox.h"
#include "SpecDocument.h"
#include "SweepPage.h"
#include "SweepParamsModel.h"

#include "jobs/SweepDefinition.h"
#include "spec/SpecJson.h"
#include "sweep/SweepStrategy.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QtTest>

using namespace trainlab;
using test::chooseInCombo;
using test::openCellEditor;
using test::typeInto;

namespace {

QJsonObject fashionSweep() {
    return readJsonFile(test::sourcePath(QStringLiteral("experiments/fashion_sweep.json")));
}

} // namespace

class TestSweepPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void modelRoundTripsASpaceUnderTheTester() {
        SweepParamsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonObject space =
            fashionSweep()[QStringLiteral("sweep")][QStringLiteral("space")].toObject();
        model.setSpace(space);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.space(), space);
        QCOMPARE(model.columnCount(), int(SweepParamsModel::Count));

        // Kind changes carry the values over: a choice of numbers becomes their range.
        QCOMPARE(model.index(2, SweepParamsModel::Field).data().toString(),
                 QStringLiteral("training.optimizer.lr"));
        QCOMPARE(model.rows()[1].path, QStringLiteral("training.batch_size"));
        QVERIFY(model.setData(model.index(1, SweepParamsModel::Kind), QStringLiteral("int")));
        QCOMPARE(model.space()[QStringLiteral("training.batch_size")].toObject(),
                 (QJsonObject{{QStringLiteral("int"), QJsonArray{64, 128}}}));
        QVERIFY(!(model.flags(model.index(1, SweepParamsModel::Values)) & Qt::ItemIsEditable));
        QVERIFY(model.setData(model.index(1, SweepParamsModel::Kind),
                              QStringLiteral("int, log scale")));
        QCOMPARE(
            model.space()[QStringLiteral("training.batch_size")].toObject()[QStringLiteral("log")],
            QJsonValue(true));
        QVERIFY(model.setData(model.index(0, SweepParamsModel::Kind), QStringLiteral("fixed")));
        QCOMPARE(model.space()[QStringLiteral("model.layers[17].p")].toObject(),
                 (QJsonObject{{QStringLiteral("fixed"), 0.1}}));
        QVERIFY(!model.setData(model.index(0, SweepParamsModel::Kind), QStringLiteral("gaussian")));
        model.appendRow(SweepParamRow{});
        model.removeParam(0);
        QCOMPARE(model.rowCount(), 4);
        // A `when` condition the table does not show survives edits of its row.
        QJsonObject conditional = space;
        conditional[QStringLiteral("training.optimizer.lr")] = QJsonObject{
            {QStringLiteral("uniform"), QJsonArray{0.1, 0.2}},
            {QStringLiteral("when"), QJsonObject{{QStringLiteral("training.batch_size"), 64}}}};
        model.setSpace(conditional);
        QVERIFY(model.setData(model.index(2, SweepParamsModel::High), 0.3));
        QCOMPARE(model.space()[QStringLiteral("training.optimizer.lr")]
                     .toObject()[QStringLiteral("when")],
                 conditional[QStringLiteral("training.optimizer.lr")]
                     .toObject()[QStringLiteral("when")]);
    }

    void aFourTrialRandomSweepBuiltOnThePageIsAcceptedByCore() {
        SpecDocument doc;
        SweepPage page(&doc);
        page.resize(1100, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(!doc.isSweep());
        QVERIFY(page.planLabel()->text().contains(QStringLiteral("single run")));

        QTest::mouseClick(page.addButton(), Qt::LeftButton);
        QVERIFY(doc.isSweep());
        const QJsonObject lr = doc.value(QStringLiteral("sweep.space"))
                                   .toObject()[QStringLiteral("training.optimizer.lr")]
                                   .toObject();
        QCOMPARE(lr, (QJsonObject{{QStringLiteral("log_uniform"), QJsonArray{0.001, 0.1}}}));
        QVERIFY(chooseInCombo(page.strategyBox(), QStringLiteral("random")));
        typeInto(page.trialsBox(), QStringLiteral("4"));
        typeInto(page.parallelBox(), QStringLiteral("2"));
        typeInto(page.seedBox(), QStringLiteral("11"));

        // A second parameter, turned into the batch size and given its values, in the table.
        QTest::mouseClick(page.addButton(), Qt::LeftButton);
        QCOMPARE(page.paramsModel()->rowCount(), 2);
        auto* field = openCellEditor<QComboBox>(page.paramsView(), 1, SweepParamsModel::Field);
        QVERIFY(field);
        QVERIFY(chooseInCombo(field, QStringLiteral("training.batch_size")));
        QTRY_COMPARE(page.paramsModel()->rows()[1].path, QStringLiteral("training.batch_size"));
        QCOMPARE(page.paramsModel()->rows()[1].kind, ParamKind::Integer);
        auto* kind = openCellEditor<QComboBox>(page.paramsView(), 1, SweepParamsModel::Kind);
        QVERIFY(kind);
        QVERIFY(chooseInCombo(kind, QStringLiteral("choice")));
        QTRY_COMPARE(page.paramsModel()->rows()[1].kind, ParamKind::Choice);
        auto* values = openCellEditor<QLineEdit>(page.paramsView(), 1, SweepParamsModel::Values);
        QVERIFY(values);
        typeInto(values, QStringLiteral("16, 32, 64"));
        QTRY_COMPARE(doc.value(QStringLiteral("sweep.space"))
                         .toObject()[QStringLiteral("training.batch_size")],
                     QJsonValue(QJsonObject{{QStringLiteral("choice"), QJsonArray{16, 32, 64}}}));
        // The learning rate's upper end, typed into its cell.
        auto* high =
            openCellEditor<ScientificSpinBox>(page.paramsView(), 0, SweepParamsModel::High);
        QVERIFY(high);
        typeInto(high, QStringLiteral("0.05"));
        QTRY_COMPARE(page.paramsModel()->rows()[0].high, 0.05);

        // The objective: pick a metric; its goal follows.
        QVERIFY(chooseInCombo(page.objectiveMetricBoxes().first(), QStringLiteral("val_accuracy")));
        QCOMPARE(page.objectiveGoalBoxes().first()->currentText(), QStringLiteral("maximize"));
        QVERIFY(chooseInCombo(page.earlyStopBox(), QStringLiteral("asha")));

        const SweepDefinition def = sweepDefinitionFromJson(doc.json(), QStringLiteral("test"));
        QCOMPARE(def.sweep.strategy, QStringLiteral("random"));
        QCOMPARE(def.sweep.trials, 4);
        QCOMPARE(def.sweep.parallel, 2);
        QCOMPARE(def.sweep.seed, qint64(11));
        QCOMPARE(def.sweep.space.params().size(), size_t(2));
        QCOMPARE(def.sweep.objectives.size(), 1);
        QCOMPARE(def.sweep.objectives.first().metric, QStringLiteral("val_accuracy"));
        QVERIFY(def.sweep.objectives.first().maximize);
        QCOMPARE(def.sweep.earlyStop.type, QStringLiteral("asha"));
        QVERIFY(doc.problems().isEmpty());
        QCOMPARE(page.problemsLabel()->text(), QStringLiteral("Core accepts this sweep."));
        QVERIFY(page.planLabel()->text().contains(QStringLiteral("4 trials")));
        // The trials core's random strategy would run stay inside what the page set.
        auto strategy = makeStrategy(def.sweep.strategy, def.sweep.space, uint64_t(def.sweep.seed),
                                     def.sweep.gridSteps, def.sweep.initialPoints);
        for (const SweepPoint& point : strategy->propose(4, {}, {})) {
            const double rate = point[QStringLiteral("training.optimizer.lr")].toDouble();
            QVERIFY(rate >= 0.001 && rate <= 0.05);
            QVERIFY(
                (QJsonArray{16, 32, 64}).contains(point[QStringLiteral("training.batch_size")]));
        }

        // Removing every parameter makes it a plain run again.
        for (int left = 1; left >= 0; --left) {
            page.paramsView()->selectRow(0);
            QTest::mouseClick(page.removeButton(), Qt::LeftButton);
            QCOMPARE(page.paramsModel()->rowCount(), left);
        }
        QVERIFY(!doc.isSweep());
        QVERIFY(doc.problems().isEmpty());
        specFromJson(doc.json(), QStringLiteral("test")); // a run spec again: no throw
    }

    void gridShowsItsSizeAndCoreProblemsShow() {
        SpecDocument doc;
        SweepPage page(&doc);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTest::mouseClick(page.addButton(), Qt::LeftButton);
        QVERIFY(chooseInCombo(page.strategyBox(), QStringLiteral("grid")));
        QVERIFY(page.gridStepsBox()->isVisible());
        QVERIFY(!page.initialPointsBox()->isVisible());
        typeInto(page.gridStepsBox(), QStringLiteral("3"));
        typeInto(page.trialsBox(), QStringLiteral("50"));
        QJsonObject space = doc.value(QStringLiteral("sweep.space")).toObject();
        space.insert(QStringLiteral("training.batch_size"),
                     QJsonObject{{QStringLiteral("choice"), QJsonArray{32, 64, 128}}});
        doc.setValue(QStringLiteral("sweep.space"), space); // as the JSON page would
        QCOMPARE(page.paramsModel()->rowCount(), 2);
        const SweepDefinition def = sweepDefinitionFromJson(doc.json(), QStringLiteral("test"));
        const auto points = def.sweep.space.grid(3, 100000);
        QVERIFY(points);
        QCOMPARE(points->size(), size_t(9));
        QVERIFY2(page.planLabel()->text().contains(QStringLiteral("9 points")) &&
                     page.planLabel()->text().contains(QStringLiteral("9 trials")),
                 qPrintable(page.planLabel()->text()));
        typeInto(page.trialsBox(), QStringLiteral("5"));
        QVERIFY(page.planLabel()->text().contains(QStringLiteral("5 trials")));

        // An inverted range typed in a cell: core's message, with its path, on the page.
        auto* low = openCellEditor<ScientificSpinBox>(page.paramsView(), 1, SweepParamsModel::Low);
        QVERIFY(low);
        typeInto(low, QStringLiteral("0.5"));
        QTRY_VERIFY2(page.problemsLabel()->text().contains(
                         QStringLiteral("sweep.space.training.optimizer.lr")),
                     qPrintable(page.problemsLabel()->text()));
    }

    void showsAShippedSweepAndKeepsWhatItDoesNotEdit() {
        SpecDocument doc;
        QJsonObject json = fashionSweep();
        QJsonObject sweep = json[QStringLiteral("sweep")].toObject();
        sweep.insert(QStringLiteral("timeout_s"), 60);
        json.insert(QStringLiteral("sweep"), sweep);
        doc.setJson(json);
        SweepPage page(&doc);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.paramsModel()->rowCount(), 4);
        QCOMPARE(page.strategyBox()->currentText(), QStringLiteral("bayesian"));
        QCOMPARE(page.trialsBox()->value(), 10);
        QCOMPARE(page.initialPointsBox()->value(), 4);
        QCOMPARE(page.earlyStopBox()->currentText(), QStringLiteral("asha"));
        QCOMPARE(page.objectiveMetricBoxes().first()->currentText(),
                 QStringLiteral("val_accuracy"));
        QVERIFY(page.fieldSuggestions().contains(QStringLiteral("model.layers[17].p")));
        QVERIFY(
            page.fieldSuggestions().contains(QStringLiteral("training.optimizer.weight_decay")));

        typeInto(page.trialsBox(), QStringLiteral("30"));
        QJsonObject expected = sweep;
        expected.insert(QStringLiteral("trials"), 30);
        QCOMPARE(doc.value(QStringLiteral("sweep")).toObject(), expected);
        QVERIFY(doc.problems().isEmpty());
    }

    void trialsPerGpuIsTypedOrStepsDownToAuto() {
        SpecDocument doc;
        doc.setJson(fashionSweep());
        SweepPage page(&doc);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSpinBox* box = page.trialsPerGpuBox();
        QCOMPARE(box->value(), 1); // the shipped sweep says nothing: a GPU a trial
        QVERIFY(!doc.value(QStringLiteral("sweep"))
                     .toObject()
                     .contains(QStringLiteral("trials_per_gpu")));

        typeInto(box, QStringLiteral("4"));
        QCOMPARE(doc.value(QStringLiteral("sweep.trials_per_gpu")), QJsonValue(4));
        box->setFocus();
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(box, Qt::Key_Down);
        QCOMPARE(box->text(), QStringLiteral("auto: by estimated memory"));
        QCOMPARE(doc.value(QStringLiteral("sweep.trials_per_gpu")),
                 QJsonValue(QStringLiteral("auto")));
        QVERIFY2(doc.problems().isEmpty(), qPrintable(doc.problems().join(QLatin1Char('\n'))));
        QTest::keyClick(box, Qt::Key_Up); // 1 again: the default, so the key goes
        QVERIFY(!doc.value(QStringLiteral("sweep"))
                     .toObject()
                     .contains(QStringLiteral("trials_per_gpu")));

        // A spec that says "auto" shows it.
        QJsonObject json = fashionSweep();
        QJsonObject sweep = json[QStringLiteral("sweep")].toObject();
        sweep.insert(QStringLiteral("trials_per_gpu"), QStringLiteral("auto"));
        json.insert(QStringLiteral("sweep"), sweep);
        doc.setJson(json);
        QCOMPARE(box->value(), 0);
        QCOMPARE(box->text(), QStringLiteral("auto: by estimated memory"));
    }

    void screenshot() {
        const QString dir = qEnvironmentVariable("TRAINLAB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set TRAINLAB_SCREENSHOT_DIR to write the page's picture");
        SpecDocument doc;
        doc.setJson(fashionSweep());
        SweepPage page(&doc);
        page.resize(1150, 620);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTest::qWait(100);
        QVERIFY(page.grab().save(dir + QStringLiteral("/sweep-page.png")));
        SpecDocument empty;
        SweepPage emptyPage(&empty);
        emptyPage.resize(1150, 620);
        emptyPage.show();
        QVERIFY(QTest::qWaitForWindowExposed(&emptyPage));
        QTest::qWait(100);
        QVERIFY(emptyPage.grab().save(dir + QStringLiteral("/sweep-page-empty.png")));
    }
};

QTEST_MAIN(TestSweepPage)
#include "tst_sweeppage.moc"
