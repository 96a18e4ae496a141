// The Training page edits the shared spec as a person would: combo boxes picked with the mouse,
// numbers typed, boxes ticked; the document's JSON changes, core accepts it (or the page shows
// core's message), and the learning-rate plot is core's own schedule over the planned steps.
#include "../common/FormDriving.h"
#include "../common/TestSupport.h"

#include "DevicesBox.h"
#include "LrSchedulePlot.h"
#include "SpecDocument.h"
#include "TrainingPage.h"

#include "spec/SpecJson.h"
#include "train/LrSchedule.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>
#include <cmath>

using namespace trainlab;
using test::chooseInCombo;
using test::typeInto;

namespace {

const QList<DeviceInfo> kCpuOnly = {{QStringLiteral("cpu"), QStringLiteral("CPU")}};
const QList<DeviceInfo> kTwoGpus = {{QStringLiteral("cuda:0"), QStringLiteral("GPU A")},
                                    {QStringLiteral("cuda:1"), QStringLiteral("GPU B")},
                                    {QStringLiteral("cpu"), QStringLiteral("CPU")}};

template <typename T> T* editorOf(TrainingPage& page, const char* path) {
    auto* editor = qobject_cast<T*>(page.editor(QLatin1String(path)));
    if (!editor)
        qFatal("no editor for %s", path);
    return editor;
}

ExperimentSpec acceptedSpec(const SpecDocument& doc) {
    return specFromJson(doc.json(), QStringLiteral("test"));
}

} // namespace

class TestTrainingPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void optimizerFieldsFollowTheChosenType() {
        SpecDocument doc;
        TrainingPage page(&doc, kCpuOnly, false);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.isFieldShown(QStringLiteral("training.optimizer.beta1")));
        QVERIFY(!page.isFieldShown(QStringLiteral("training.optimizer.momentum")));
        QCOMPARE(editorOf<QDoubleSpinBox>(page, "training.optimizer.lr")->value(), 0.01);

        typeInto(editorOf<QDoubleSpinBox>(page, "training.optimizer.beta1"),
                 QStringLiteral("0.85"));
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.beta1")).toDouble(), 0.85);
        typeInto(editorOf<QDoubleSpinBox>(page, "training.optimizer.lr"), QStringLiteral("3e-4"));
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.lr")).toDouble(), 3e-4);

        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.optimizer.type"),
                              QStringLiteral("sgd")));
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.type")).toString(),
                 QStringLiteral("sgd"));
        // Adam's betas leave the spec with Adam; SGD's momentum appears.
        QVERIFY(doc.value(QStringLiteral("training.optimizer.beta1")).isUndefined());
        QVERIFY(!page.isFieldShown(QStringLiteral("training.optimizer.beta1")));
        QVERIFY(page.isFieldShown(QStringLiteral("training.optimizer.momentum")));
        QVERIFY(page.isFieldShown(QStringLiteral("training.optimizer.nesterov")));
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.lr")).toDouble(), 3e-4);

        typeInto(editorOf<QDoubleSpinBox>(page, "training.optimizer.momentum"),
                 QStringLiteral("0.8"));
        test::clickCheckBox(editorOf<QCheckBox>(page, "training.optimizer.nesterov"));
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.nesterov")).toBool(), true);
        const ExperimentSpec spec = acceptedSpec(doc);
        QCOMPARE(spec.training.optimizer.type, QStringLiteral("sgd"));
        QCOMPARE(spec.training.optimizer.momentum, 0.8);
        QVERIFY(spec.training.optimizer.nesterov);
        QCOMPARE(page.problemsLabel()->text(),
                 QStringLiteral("Core accepts these training settings."));

        // Nesterov without momentum: core refuses, and the page says so with the path.
        typeInto(editorOf<QDoubleSpinBox>(page, "training.optimizer.momentum"),
                 QStringLiteral("0"));
        QVERIFY2(
            page.problemsLabel()->text().contains(QStringLiteral("training.optimizer.nesterov")),
            qPrintable(page.problemsLabel()->text()));
        QVERIFY(!doc.problems().isEmpty());
    }

    void everyOtherFieldWritesItsPath() {
        SpecDocument doc;
        TrainingPage page(&doc, kCpuOnly, false);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        typeInto(editorOf<QSpinBox>(page, "training.batch_size"), QStringLiteral("32"));
        typeInto(editorOf<QSpinBox>(page, "training.grad_accumulation"), QStringLiteral("4"));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.grad_clip_norm"), QStringLiteral("1.5"));
        typeInto(editorOf<QSpinBox>(page, "training.checkpoint_every_epochs"), QStringLiteral("2"));
        typeInto(editorOf<QSpinBox>(page, "training.seed"), QStringLiteral("1234"));
        typeInto(editorOf<QSpinBox>(page, "training.max_steps"), QStringLiteral("500"));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.max_wall_time_s"), QStringLiteral("90"));
        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.loss.type"),
                              QStringLiteral("cross_entropy")));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.loss.label_smoothing"),
                 QStringLiteral("0.1"));
        // Early stopping: off until a metric is picked; its patience is greyed until then.
        QVERIFY(!editorOf<QSpinBox>(page, "training.early_stopping.patience")->isEnabled());
        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.early_stopping.metric"),
                              QStringLiteral("val_accuracy")));
        QVERIFY(editorOf<QSpinBox>(page, "training.early_stopping.patience")->isEnabled());
        typeInto(editorOf<QSpinBox>(page, "training.early_stopping.patience"), QStringLiteral("5"));

        const ExperimentSpec spec = acceptedSpec(doc);
        const TrainingSpec& t = spec.training;
        QCOMPARE(t.batchSize, 32);
        QCOMPARE(t.gradAccumulation, 4);
        QCOMPARE(t.gradClipNorm, 1.5);
        QCOMPARE(t.checkpointEveryEpochs, 2);
        QCOMPARE(t.seed, qint64(1234));
        QCOMPARE(t.maxSteps, qint64(500));
        QCOMPARE(t.maxWallTimeS, 90.0);
        QCOMPARE(t.loss.type, QStringLiteral("cross_entropy"));
        QCOMPARE(t.loss.labelSmoothing, 0.1);
        QCOMPARE(t.earlyStopping.metric, QStringLiteral("val_accuracy"));
        QCOMPARE(t.earlyStopping.patience, 5);

        // mse takes no label smoothing: it leaves the spec; "by task" leaves the type out
        // again (core's default); emptying the metric turns early stopping off.
        QVERIFY(
            chooseInCombo(editorOf<QComboBox>(page, "training.loss.type"), QStringLiteral("mse")));
        QVERIFY(doc.value(QStringLiteral("training.loss.label_smoothing")).isUndefined());
        QVERIFY(!page.isFieldShown(QStringLiteral("training.loss.label_smoothing")));
        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.loss.type"),
                              QStringLiteral("by task (cross_entropy or mse)")));
        QVERIFY(doc.value(QStringLiteral("training.loss.type")).isUndefined());
        QVERIFY(doc.value(QStringLiteral("training.loss")).isObject());
        typeInto(editorOf<QComboBox>(page, "training.early_stopping.metric")->lineEdit(),
                 QString());
        QVERIFY(doc.value(QStringLiteral("training.early_stopping.metric")).isUndefined());
        QVERIFY(!editorOf<QSpinBox>(page, "training.early_stopping.patience")->isEnabled());
        QVERIFY(doc.problems().isEmpty());

        // Edits elsewhere (the JSON page) show here.
        doc.setValue(QStringLiteral("training.epochs"), 9);
        QCOMPARE(editorOf<QSpinBox>(page, "training.epochs")->value(), 9);
        // A value core refuses, typed in the JSON: core's message is on the page.
        doc.setValue(QStringLiteral("training.optimizer.lr"), -1.0);
        QVERIFY2(page.problemsLabel()->text().startsWith(QStringLiteral("training.optimizer.lr:")),
                 qPrintable(page.problemsLabel()->text()));
        // ... and the box shows the value as it is, not clamped into a valid-looking one.
        QCOMPARE(editorOf<QDoubleSpinBox>(page, "training.optimizer.lr")->value(), -1.0);
        QVERIFY(!page.lrPlot()->emptyText().isEmpty());
    }

    void aTeacherRunIsTypedIntoItsGroup() {
        SpecDocument doc;
        TrainingPage page(&doc, kCpuOnly, false);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(editorOf<QSpinBox>(page, "training.distill.teacher")->text(),
                 QStringLiteral("no teacher"));
        typeInto(editorOf<QSpinBox>(page, "training.distill.teacher"), QStringLiteral("7"));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.distill.temperature"),
                 QStringLiteral("3"));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.distill.weight"), QStringLiteral("0.8"));
        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.distill.checkpoint"),
                              QStringLiteral("last")));
        const DistillSpec d = acceptedSpec(doc).training.distill;
        QCOMPARE(d.teacher, qint64(7));
        QCOMPARE(d.temperature, 3.0);
        QCOMPARE(d.weight, 0.8);
        QCOMPARE(d.checkpoint, QStringLiteral("last"));

        // Back to "no teacher": distillation is off and its settings wait, accepted.
        typeInto(editorOf<QSpinBox>(page, "training.distill.teacher"), QStringLiteral("0"));
        QVERIFY(!acceptedSpec(doc).training.distill.enabled());
        QVERIFY(doc.problems().isEmpty());
        // Without a teacher key at all (typed in the JSON), the settings are named as a mistake.
        QJsonObject json = doc.json();
        QJsonObject training = json.value(QStringLiteral("training")).toObject();
        training.insert(QStringLiteral("distill"),
                        QJsonObject{{QStringLiteral("temperature"), 2.0}});
        json.insert(QStringLiteral("training"), training);
        doc.setJson(json, nullptr);
        QVERIFY2(page.problemsLabel()->text().contains(
                     QStringLiteral("training.distill.teacher: distillation needs a teacher")),
                 qPrintable(page.problemsLabel()->text()));
    }

    void lrPlotIsCoresScheduleOverThePlannedSteps() {
        SpecDocument doc; // spirals: 3000 samples, 15% validation, 15% test, batch 64, 20 epochs
        TrainingPage page(&doc, kCpuOnly, false);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.trainSamplesBox()->value(), 2100); // the spec's estimate
        QTest::mouseClick(page.countButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.countButton()->isEnabled(), 30000);
        const qint64 samples = page.trainSamplesBox()->value();
        QVERIFY2(samples > 2000 && samples < 2200, qPrintable(QString::number(samples)));

        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.schedule.type"),
                              QStringLiteral("one_cycle")));
        QVERIFY(doc.value(QStringLiteral("training.schedule.warmup_steps")).isUndefined());
        typeInto(editorOf<QSpinBox>(page, "training.epochs"), QStringLiteral("3"));
        typeInto(editorOf<QSpinBox>(page, "training.grad_accumulation"), QStringLiteral("2"));
        typeInto(editorOf<QDoubleSpinBox>(page, "training.schedule.pct_start"),
                 QStringLiteral("0.25"));

        const ExperimentSpec spec = acceptedSpec(doc);
        const qint64 batches = (samples + 63) / 64;
        const qint64 perEpoch = (batches + 1) / 2;
        QCOMPARE(page.plannedSteps(), perEpoch * 3);
        const QVector<QPointF> points = page.lrPlot()->points();
        QCOMPARE(qint64(points.size()), perEpoch * 3);
        for (const qsizetype i :
             {qsizetype(0), qsizetype(7), points.size() / 2, points.size() - 1}) {
            const auto step = qint64(points[i].x());
            QCOMPARE(step, qint64(i));
            QCOMPARE(points[i].y(), scheduledLr(spec.training.schedule, spec.training.optimizer.lr,
                                                step, perEpoch * 3, int(step / perEpoch)));
        }
        QVERIFY(page.planLabel()->text().contains(QString::number(perEpoch * 3)));

        // A step budget caps the plan, as it caps the run.
        typeInto(editorOf<QSpinBox>(page, "training.max_steps"), QStringLiteral("40"));
        QCOMPARE(page.plannedSteps(), qint64(40));
        QCOMPARE(page.lrPlot()->points().last().x(), 39.0);

        // multistep needs milestones: core's message shows until they are typed.
        QVERIFY(chooseInCombo(editorOf<QComboBox>(page, "training.schedule.type"),
                              QStringLiteral("multistep")));
        QVERIFY2(
            page.problemsLabel()->text().contains(QStringLiteral("training.schedule.milestones")),
            qPrintable(page.problemsLabel()->text()));
        typeInto(editorOf<QLineEdit>(page, "training.schedule.milestones"), QStringLiteral("1, 2"));
        QCOMPARE(doc.value(QStringLiteral("training.schedule.milestones")).toArray(),
                 (QJsonArray{1, 2}));
        QVERIFY(doc.problems().isEmpty());
        const ExperimentSpec stepped = acceptedSpec(doc);
        const QVector<QPointF> after = page.lrPlot()->points();
        QCOMPARE(after.last().y(),
                 scheduledLr(stepped.training.schedule, 0.01, 39, 40, int(39 / perEpoch)));
        QVERIFY(after.first().y() > after.last().y()); // decayed at the milestones

        // Unknown sample count (not synthetic): no curve, and the page says how to get one.
        doc.setValue(QStringLiteral("dataset"),
                     QJsonObject{{QStringLiteral("source"), QStringLiteral("fashion-mnist")}});
        QCOMPARE(page.trainSamplesBox()->value(), 0);
        QVERIFY(!page.lrPlot()->emptyText().isEmpty());
        typeInto(page.trainSamplesBox(), QStringLiteral("54000"));
        QVERIFY(page.lrPlot()->emptyText().isEmpty());
        QCOMPARE(page.plannedSteps(), qint64(40));
    }

    void fp16IsOfferedOnlyWithCuda() {
        SpecDocument doc;
        TrainingPage page(&doc, kCpuOnly, false);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* precision = editorOf<QComboBox>(page, "training.precision");
        auto* model = qobject_cast<QStandardItemModel*>(precision->model());
        QStandardItem* fp16 = model->item(precision->findText(QStringLiteral("fp16")));
        QVERIFY(!fp16->isEnabled());
        QVERIFY(fp16->toolTip().contains(QStringLiteral("CUDA")));
        QVERIFY(!chooseInCombo(precision, QStringLiteral("fp16")));
        QVERIFY(doc.value(QStringLiteral("training.precision")).isUndefined());
        QVERIFY(chooseInCombo(precision, QStringLiteral("bf16")));
        QCOMPARE(doc.value(QStringLiteral("training.precision")).toString(),
                 QStringLiteral("bf16"));

        SpecDocument gpuDoc;
        TrainingPage gpuPage(&gpuDoc, kTwoGpus, true);
        gpuPage.show();
        QVERIFY(QTest::qWaitForWindowExposed(&gpuPage));
        QVERIFY(chooseInCombo(editorOf<QComboBox>(gpuPage, "training.precision"),
                              QStringLiteral("fp16")));
        QCOMPARE(gpuDoc.value(QStringLiteral("training.precision")).toString(),
                 QStringLiteral("fp16"));
    }

    void devicesAreCheckBoxesFromDiscovery() {
        SpecDocument doc; // devices: "cpu"
        TrainingPage page(&doc, kTwoGpus, true);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        DevicesBox* devices = page.devicesBox();
        QVERIFY(!devices->autoBox()->isChecked());
        QVERIFY(devices->deviceBox(QStringLiteral("cpu"))->isChecked());
        test::clickCheckBox(devices->deviceBox(QStringLiteral("cuda:1")));
        QCOMPARE(doc.value(QStringLiteral("devices")),
                 QJsonValue(QJsonArray{QStringLiteral("cuda:1"), QStringLiteral("cpu")}));
        test::clickCheckBox(devices->deviceBox(QStringLiteral("cpu")));
        QCOMPARE(doc.value(QStringLiteral("devices")).toString(), QStringLiteral("cuda:1"));
        QCOMPARE(acceptedSpec(doc).devices, QStringList{QStringLiteral("cuda:1")});
        test::clickCheckBox(devices->autoBox());
        QCOMPARE(doc.value(QStringLiteral("devices")).toString(), QStringLiteral("auto"));
        QVERIFY(!devices->deviceBox(QStringLiteral("cpu"))->isEnabled());
        // Leaving "automatic" starts from what it resolves to: every GPU.
        test::clickCheckBox(devices->autoBox());
        QCOMPARE(doc.value(QStringLiteral("devices")),
                 QJsonValue(QJsonArray{QStringLiteral("cuda:0"), QStringLiteral("cuda:1")}));
        // Unticking every device: core's message, not a silent default.
        test::clickCheckBox(devices->deviceBox(QStringLiteral("cuda:0")));
        test::clickCheckBox(devices->deviceBox(QStringLiteral("cuda:1")));
        QVERIFY2(page.problemsLabel()->text().startsWith(QStringLiteral("devices")),
                 qPrintable(page.problemsLabel()->text()));
        // A device this machine lacks stays listed so it can be unticked.
        doc.setValue(QStringLiteral("devices"), QJsonArray{QStringLiteral("cuda:3")});
        QVERIFY(devices->deviceBox(QStringLiteral("cuda:3")));
        QVERIFY(devices->deviceBox(QStringLiteral("cuda:3"))->isChecked());

        // This machine's own discovery lists the CPU.
        SpecDocument local;
        TrainingPage localPage(&local);
        QVERIFY(localPage.devicesBox()->deviceBox(QStringLiteral("cpu")));
    }

    void screenshot() {
        const QString dir = qEnvironmentVariable("TRAINLAB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set TRAINLAB_SCREENSHOT_DIR to write the page's picture");
        SpecDocument doc;
        TrainingPage page(&doc, kTwoGpus, true);
        page.resize(1200, 820);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTest::qWait(100);
        QVERIFY(page.grab().save(dir + QStringLiteral("/training-page.png")));
        SpecDocument cpuDoc;
        cpuDoc.setValue(QStringLiteral("training.optimizer.lr"), -1.0);
        cpuDoc.setValue(QStringLiteral("training.schedule"),
                        QJsonObject{{QStringLiteral("type"), QStringLiteral("one_cycle")}});
        TrainingPage cpuPage(&cpuDoc, kCpuOnly, false);
        cpuPage.resize(1200, 820);
        cpuPage.show();
        QVERIFY(QTest::qWaitForWindowExposed(&cpuPage));
        QTest::qWait(100);
        QVERIFY(cpuPage.grab().save(dir + QStringLiteral("/training-page-problem.png")));
    }
};

QTEST_MAIN(TestTrainingPage)
#include "tst_trainingpage.moc"
