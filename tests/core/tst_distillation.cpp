// Knowledge distillation (training.distill): the spec's checks; the loss mixes the labels' loss
// with T^2 x KL to the teacher's softened outputs (its value and its gradient against the
// closed form); a run whose teacher is its own starting point begins at zero soft loss; a
// student taught at full weight ends closer to its teacher than one trained on labels alone;
// a teacher of other inputs, classes or normalization is refused or converted; and through
// trainlab-cli, a run taught by another run of the workspace, its report stored.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "train/Checkpoint.h"
#include "train/Distillation.h"
#include "train/Trainer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

// Blobs of 4 classes in 8 features, a network of `hidden` units.
QString blobsSpec(int hidden = 32) {
    return QStringLiteral(R"({"trainlab": 1, "name": "blobs",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 600,
                    "classes": 4, "features": 8, "noise": 2.0}},
        "model": {"layers": [{"type": "linear", "out": %1}, {"type": "relu"}, {"type": "linear"}]},
        "training": {"epochs": 3, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}},
        "devices": "cpu"})")
        .arg(hidden);
}

ExperimentSpec specOf(const QStringList& overrides = {}, int hidden = 32) {
    QJsonObject json = QJsonDocument::fromJson(blobsSpec(hidden).toUtf8()).object();
    applyOverrides(json, overrides);
    return specFromJson(json, QStringLiteral("blobs.json"));
}

QString specErrors(const QStringList& overrides) {
    try {
        specOf(overrides);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

struct Trained {
    torch::nn::Sequential model{nullptr};
    QVector<double> losses; ///< train_loss as logged
    QJsonObject report;     ///< the "distillation" artifact
};

Trained train(const ExperimentSpec& spec, const DatasetSplits& data, TrainerOptions options) {
    Trained trained;
    RunControl control;
    TrainerCallbacks callbacks;
    callbacks.metric = [&](int64_t, double, const QString& name, double value) {
        if (name == QLatin1String("train_loss"))
            trained.losses << value;
    };
    callbacks.windowLogged = [](int64_t, double) {};
    callbacks.checkpoint = [](int64_t, double, const QString&, bool, const QString&, double) {};
    callbacks.planned = [](int64_t) {};
    callbacks.pauseChanged = [](bool) {};
    callbacks.message = [](const QString&) {};
    callbacks.artifact = [&](const QString& kind, const QJsonObject& payload) {
        if (kind == QLatin1String("distillation"))
            trained.report = payload;
    };
    options.owner.specHash = specHash(spec);
    const TrainOutcome outcome = Trainer(spec, data, control, callbacks, options).run();
    [&] { QVERIFY2(outcome.status == RunStatus::Completed, qPrintable(outcome.error)); }();
    trained.model = buildModel(spec.model, data.sampleShape, data.numClasses).net;
    const QStringList last =
        QDir(options.checkpointDirectory).entryList({QStringLiteral("last-*.pt")}, QDir::Files);
    loadWeights(QDir(options.checkpointDirectory).filePath(last.value(0)), trained.model);
    trained.model->eval();
    return trained;
}

TeacherModel teacherFrom(const ExperimentSpec& spec, const DatasetSplits& data,
                         const QString& weights) {
    TeacherModel teacher;
    teacher.source = QStringLiteral("test teacher");
    teacher.model = spec.model;
    teacher.inputShape = data.sampleShape;
    teacher.classNames = data.classNames;
    if (teacher.classNames.isEmpty())
        for (int64_t k = 0; k < data.numClasses; ++k)
            teacher.classNames << QString::number(k);
    auto valuesOf = [](const torch::Tensor& t) {
        if (!t.defined())
            return std::vector<double>();
        const torch::Tensor flat = t.to(torch::kDouble).contiguous().view({-1});
        return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
    };
    teacher.mean = valuesOf(data.normalization.mean);
    teacher.std = valuesOf(data.normalization.std);
    teacher.weightsPath = weights;
    return teacher;
}

/// The mean KL divergence of the student's class probabilities from the teacher's on `inputs`.
double divergence(torch::nn::Sequential& student, torch::nn::Sequential& teacher,
                  const torch::Tensor& inputs) {
    torch::NoGradGuard noGrad;
    const auto logS = torch::log_softmax(student->forward(inputs), 1);
    const auto logT = torch::log_softmax(teacher->forward(inputs), 1);
    return (logT.exp() * (logT - logS)).sum(1).mean().item<double>();
}

QString inputErrorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestDistillation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        const ExperimentSpec spec = specOf({}, 64);
        data_ = buildDataset(spec.dataset, spec.training.seed);
        // The teacher: a wider network, trained longer.
        TrainerOptions options;
        options.checkpointDirectory = dir_.filePath(QStringLiteral("teacher"));
        const ExperimentSpec teacherSpec = specOf({QStringLiteral("training.epochs=6")}, 64);
        train(teacherSpec, data_, options);
        teacher_ =
            teacherFrom(teacherSpec, data_,
                        QDir(options.checkpointDirectory).filePath(QStringLiteral("best.pt")));
        QVERIFY(QFile::exists(teacher_.weightsPath));
        teacherNet_ = buildModel(teacherSpec.model, data_.sampleShape, data_.numClasses).net;
        loadWeights(teacher_.weightsPath, teacherNet_); // what the students learn from
        teacherNet_->eval();
    }

    void theSpecChecksItsFields() {
        QVERIFY(specErrors({QStringLiteral("training.distill.teacher=3")}).isEmpty());
        QVERIFY(specErrors({QStringLiteral("training.distill.teacher=3"),
                            QStringLiteral("training.distill.temperature=0")})
                    .contains(QStringLiteral("training.distill.temperature")));
        QVERIFY(specErrors({QStringLiteral("training.distill.teacher=3"),
                            QStringLiteral("training.distill.weight=1.5")})
                    .contains(QStringLiteral("training.distill.weight")));
        QVERIFY(specErrors({QStringLiteral("training.distill.teacher=3"),
                            QStringLiteral("training.distill.checkpoint=middle")})
                    .contains(QStringLiteral("training.distill.checkpoint")));
        QVERIFY(specErrors({QStringLiteral("training.distill.temperature=2")})
                    .contains(QStringLiteral("training.distill.teacher")));
        // Teacher 0 is off, with its settings kept (the window's way to switch it off).
        QVERIFY(specErrors({QStringLiteral("training.distill.teacher=0"),
                            QStringLiteral("training.distill.temperature=2")})
                    .isEmpty());
        QVERIFY(!specToJson(specOf())
                     .value(QStringLiteral("training"))
                     .toObject()
                     .contains(QStringLiteral("distill")));
        const ExperimentSpec on = specOf({QStringLiteral("training.distill.teacher=3"),
                                          QStringLiteral("training.distill.temperature=2.5")});
        const DistillSpec back = specFromJson(specToJson(on)).training.distill;
        QCOMPARE(back.teacher, 3);
        QCOMPARE(back.temperature, 2.5);
        QCOMPARE(back.weight, 0.5);
    }

    void theLossMixesTheLabelsAndTheTeachersSoftTargets() {
        torch::manual_seed(3);
        const auto student = torch::randn({16, 5}, torch::kDouble).requires_grad_(true);
        const auto teacher = torch::randn({16, 5}, torch::kDouble) * 3;
        const auto hard = torch::tensor(1.7, torch::kDouble);
        const double T = 4.0;
        QVERIFY(torch::allclose(distillationLoss(hard, student, teacher, T, 0.0).to(torch::kDouble),
                                hard));
        QVERIFY(distillationLoss(hard, teacher, teacher, T, 1.0).item<double>() < 1e-6);

        // T^2 x KL by its definition, in double.
        const auto pT = torch::softmax(teacher / T, 1);
        const auto pS = torch::softmax(student.detach() / T, 1);
        const double kl = (pT * (pT.log() - pS.log())).sum(1).mean().item<double>();
        const auto mixed = distillationLoss(hard, student, teacher, T, 0.3);
        QVERIFY(std::abs(mixed.item<double>() - (0.7 * 1.7 + 0.3 * T * T * kl)) < 1e-5);

        // Its gradient: weight x T x (p_student - p_teacher) / batch, pulling towards the teacher.
        mixed.backward();
        const auto expected = 0.3 * T * (pS - pT) / 16.0;
        QVERIFY(torch::allclose(student.grad(), expected, 1e-4, 1e-6));
    }

    void aTeacherThatIsTheStartingPointAddsNoLossAtFirst() {
        // The student's own initial weights as its teacher: both give the same outputs at step
        // one, so with only the soft loss the first logged loss is zero.
        const ExperimentSpec spec = specOf({QStringLiteral("training.distill.teacher=1"),
                                            QStringLiteral("training.distill.weight=1"),
                                            QStringLiteral("training.log_every_steps=1"),
                                            QStringLiteral("training.epochs=1")},
                                           64);
        auto initial =
            buildSeededModel(spec.model, data_.sampleShape, data_.numClasses, spec.training.seed)
                .net;
        const QString path = dir_.filePath(QStringLiteral("initial.pt"));
        saveWeights(path, initial);
        TrainerOptions options;
        options.checkpointDirectory = dir_.filePath(QStringLiteral("self"));
        options.teacher = std::make_shared<TeacherModel>(teacherFrom(spec, data_, path));
        const Trained trained = train(spec, data_, options);
        QVERIFY(trained.losses.size() > 3);
        QVERIFY2(trained.losses.first() < 1e-6,
                 qPrintable(QString::number(trained.losses.first())));
        QVERIFY(trained.losses.at(3) > 1e-6); // it moves away from where it started
        QCOMPARE(trained.report.value(QStringLiteral("teacher")).toString(),
                 QStringLiteral("test teacher"));
        QCOMPARE(trained.report.value(QStringLiteral("weight")).toDouble(), 1.0);
    }

    void aStudentTaughtByTheTeacherEndsCloserToIt() {
        // A smaller student, trained on the labels alone and on the teacher alone.
        const QStringList smaller = {QStringLiteral("training.distill.teacher=1"),
                                     QStringLiteral("training.distill.temperature=2"),
                                     QStringLiteral("training.epochs=15")};
        TrainerOptions options;
        options.teacher = std::make_shared<TeacherModel>(teacher_);
        options.checkpointDirectory = dir_.filePath(QStringLiteral("labels"));
        const Trained labels =
            train(specOf(smaller + QStringList{QStringLiteral("training.distill.weight=0")}, 8),
                  data_, options);
        options.checkpointDirectory = dir_.filePath(QStringLiteral("taught"));
        const Trained taught =
            train(specOf(smaller + QStringList{QStringLiteral("training.distill.weight=1")}, 8),
                  data_, options);
        const torch::Tensor inputs = InputPreparation(data_)(data_.test.features);
        auto labelsNet = labels.model;
        auto taughtNet = taught.model;
        const double fromLabels = divergence(labelsNet, teacherNet_, inputs);
        const double fromTeacher = divergence(taughtNet, teacherNet_, inputs);
        QVERIFY2(fromTeacher < 0.5 * fromLabels,
                 qPrintable(QStringLiteral("KL to the teacher: taught %1, labels alone %2")
                                .arg(fromTeacher)
                                .arg(fromLabels)));
    }

    void aTeacherOfOtherInputsOrClassesIsRefused() {
        DistillSpec spec;
        spec.teacher = 1;
        TeacherModel other = teacher_;
        other.classNames.removeLast();
        QVERIFY(inputErrorOf([&] { Distillation(other, spec, data_, torch::kCPU); })
                    .contains(QStringLiteral("training.distill.teacher: test teacher predicts the "
                                             "classes")));
        other = teacher_;
        other.inputShape = {9};
        QVERIFY(inputErrorOf([&] {
                    Distillation(other, spec, data_, torch::kCPU);
                }).contains(QStringLiteral("takes inputs of shape [9], this dataset's are [8]")));
        DatasetSplits regression = data_;
        regression.task = TaskKind::Regression;
        QVERIFY(inputErrorOf([&] {
                    Distillation(teacher_, spec, regression, torch::kCPU);
                }).contains(QStringLiteral("training.distill: distillation needs class labels")));
    }

    void aTeacherNormalizedOtherwiseSeesItsOwnInputs() {
        // The teacher trained on inputs normalized with other statistics: its logits for the
        // student's inputs are those of the same raw values normalized its way.
        DatasetSplits data = data_;
        data.normalization.mean = torch::full({8}, 0.5);
        data.normalization.std = torch::full({8}, 2.0);
        TeacherModel teacher = teacher_;
        teacher.mean.assign(8, -1.0);
        teacher.std.assign(8, 0.25);
        DistillSpec spec;
        spec.teacher = 1;
        Distillation distillation(teacher, spec, data, torch::kCPU);
        QVERIFY(distillation.report().value(QStringLiteral("inputs_renormalized")).toBool());
        const torch::Tensor raw = torch::randn({6, 8});
        const torch::Tensor studentInputs = (raw - 0.5) / 2.0;
        torch::NoGradGuard noGrad;
        const torch::Tensor expected = teacherNet_->forward((raw + 1.0) / 0.25);
        QVERIFY(torch::allclose(distillation.teacherLogits(studentInputs), expected, 1e-4, 1e-4));

        Distillation same(teacher_, spec, data_, torch::kCPU);
        QVERIFY(!same.report().value(QStringLiteral("inputs_renormalized")).toBool());
    }

    void theCliTeachesARunWithAnotherRun() {
        const QString db = dir_.filePath(QStringLiteral("distill.db"));
        const QString specPath = dir_.filePath(QStringLiteral("blobs.json"));
        test::writeFile(specPath, blobsSpec(64).toUtf8());
        const test::CliResult first =
            test::runCli({QStringLiteral("run"), specPath, QStringLiteral("--db"), db,
                          QStringLiteral("--json")});
        QCOMPARE(first.exitCode, 0);
        const qint64 teacherRun =
            test::parseJson(first.out).object().value(QStringLiteral("id")).toInteger();
        const test::CliResult second = test::runCli(
            {QStringLiteral("run"), specPath, QStringLiteral("--db"), db, QStringLiteral("--set"),
             QStringLiteral("model.layers[0].out=8"), QStringLiteral("--set"),
             QStringLiteral("training.distill.teacher=%1").arg(teacherRun),
             QStringLiteral("--json")});
        QVERIFY2(second.exitCode == 0, second.err.constData());
        const QJsonObject run = test::parseJson(second.out).object();
        const QJsonObject report = run.value(QStringLiteral("distillation")).toObject();
        QCOMPARE(report.value(QStringLiteral("teacher")).toString(),
                 QStringLiteral("run %1 (best)").arg(teacherRun));
        QCOMPARE(report.value(QStringLiteral("teacher_parameters")).toInteger(),
                 8 * 64 + 64 + 64 * 4 + 4);

        const test::CliResult cost = test::runCli(
            {QStringLiteral("report"), QString::number(run.value(QStringLiteral("id")).toInteger()),
             QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(cost.exitCode, 0);
        QJsonObject costReport = test::parseJson(cost.out).object();
        if (!costReport.contains(QStringLiteral("techniques")))
            costReport = costReport.value(QStringLiteral("cost")).toObject();
        QStringList techniques;
        for (const QJsonValue& used : costReport.value(QStringLiteral("techniques")).toArray())
            techniques << used.toObject().value(QStringLiteral("technique")).toString();
        QVERIFY2(techniques.contains(QStringLiteral("distillation")), cost.out.constData());

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("run"), specPath, QStringLiteral("--db"), db,
                          QStringLiteral("--set"), QStringLiteral("training.distill.teacher=99")}),
            2, "training.distill.teacher: no run 99");

        // The estimate probes the student with its teacher, found in the workspace as a run does.
        const test::CliResult estimate = test::runCli(
            {QStringLiteral("estimate"), specPath, QStringLiteral("--db"), db,
             QStringLiteral("--seconds"), QStringLiteral("0.3"), QStringLiteral("--set"),
             QStringLiteral("training.distill.teacher=%1").arg(teacherRun)});
        QVERIFY2(estimate.exitCode == 0, estimate.err.constData());
        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("estimate"), specPath, QStringLiteral("--db"), db,
                          QStringLiteral("--set"), QStringLiteral("training.distill.teacher=99")}),
            2, "training.distill.teacher: no run 99");
    }

private:
    QTemporaryDir dir_;
    DatasetSplits data_;
    TeacherModel teacher_;
    torch::nn::Sequential teacherNet_{nullptr};
};

QTEST_GUILESS_MAIN(TestDistillation)
#include "tst_distillation.moc"
