// A run's evaluation document from its stored artifacts: every reason a run has none (still
// training, regression, failed, unreadable artifacts), a workspace from before precision-recall
// curves were kept (ROC only), and `show --json` carrying it while `runs --json` does not.
#include "store/RunEvaluation.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace trainlab;

namespace {

const QStringList kClasses = {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")};

QJsonObject confusionArtifact(const QJsonArray& matrix) {
    return {{QStringLiteral("classes"), QJsonArray::fromStringList(kClasses)},
            {QStringLiteral("matrix"), matrix},
            {QStringLiteral("rows"), QStringLiteral("true class")},
            {QStringLiteral("columns"), QStringLiteral("predicted class")}};
}

QJsonObject reportArtifact() {
    QJsonArray perClass;
    const double precision[] = {0.75, 0.5, 1.0};
    const double recall[] = {1.0, 0.5, 0.5};
    const qint64 support[] = {3, 2, 2};
    for (int k = 0; k < 3; ++k)
        perClass.append(QJsonObject{{QStringLiteral("class"), kClasses[k]},
                                    {QStringLiteral("precision"), precision[k]},
                                    {QStringLiteral("recall"), recall[k]},
                                    {QStringLiteral("f1"), 0.5},
                                    {QStringLiteral("support"), support[k]}});
    return {{QStringLiteral("accuracy"), 5.0 / 7.0},
            {QStringLiteral("top_k"), 3},
            {QStringLiteral("top_k_accuracy"), 1.0},
            {QStringLiteral("macro"), QJsonObject{{QStringLiteral("precision"), 0.75},
                                                  {QStringLiteral("recall"), 2.0 / 3.0},
                                                  {QStringLiteral("f1"), 0.5}}},
            {QStringLiteral("weighted"), QJsonObject{{QStringLiteral("precision"), 0.7},
                                                     {QStringLiteral("recall"), 5.0 / 7.0},
                                                     {QStringLiteral("f1"), 0.5}}},
            {QStringLiteral("per_class"), perClass}};
}

// ROC as workspaces before PR curves stored it: "bird" had no curve (undefined).
QJsonObject rocArtifact() {
    QJsonArray curves;
    for (int k = 0; k < 2; ++k)
        curves.append(QJsonObject{{QStringLiteral("class"), kClasses[k]},
                                  {QStringLiteral("auc"), 0.8 + 0.1 * k},
                                  {QStringLiteral("fpr"), QJsonArray{0.0, 0.5, 1.0}},
                                  {QStringLiteral("tpr"), QJsonArray{0.0, 1.0, 1.0}}});
    return {{QStringLiteral("macro_auc"), 0.85}, {QStringLiteral("curves"), curves}};
}

const QJsonArray kMatrix = {QJsonArray{3, 0, 0}, QJsonArray{1, 1, 0}, QJsonArray{0, 1, 1}};

} // namespace

class TestRunEvaluation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        path_ = dir_->filePath(QStringLiteral("eval.db"));
    }

    void everyReasonForNoEvaluationIsSaid() {
        qint64 training = 0, regression = 0, failed = 0, bare = 0;
        {
            StoreWriter writer(path_);
            auto start = [&](const QString& name) {
                return writer
                    .startRun({name, QStringLiteral("{\"trainlab\":1}"), {}, 0, 0},
                              QStringLiteral("cpu"))
                    .id;
            };
            training = start(QStringLiteral("training"));
            regression = start(QStringLiteral("regression"));
            writer.storeArtifact(regression, QStringLiteral("input_schema"),
                                 {{QStringLiteral("task"), QStringLiteral("regression")}});
            writer.finishRun({regression, RunStatus::Completed, {}, {}, {}, {}, {}, {}});
            failed = start(QStringLiteral("failed"));
            writer.finishRun(
                {failed, RunStatus::Failed, QStringLiteral("boom at step 3"), {}, {}, {}, {}, {}});
            bare = start(QStringLiteral("no test split"));
            writer.finishRun({bare, RunStatus::Completed, {}, {}, {}, {}, {}, {}});
            // Still running in this (live) process while it is read.
            WorkspaceReader workspace(path_);
            const RunEvaluation pending = readRunEvaluation(workspace, *workspace.run(training));
            QCOMPARE(pending.state, EvaluationState::Pending);
            QVERIFY2(pending.reason.contains(QStringLiteral("still training")),
                     qPrintable(pending.reason));
        }
        WorkspaceReader workspace(path_);
        const RunEvaluation r = readRunEvaluation(workspace, *workspace.run(regression));
        QCOMPARE(r.state, EvaluationState::Regression);
        QVERIFY2(r.reason.contains(QStringLiteral("run %1 is a regression run").arg(regression)),
                 qPrintable(r.reason));
        const RunEvaluation f = readRunEvaluation(workspace, *workspace.run(failed));
        QCOMPARE(f.state, EvaluationState::NotEvaluated);
        QVERIFY2(f.reason.contains(QStringLiteral("failed")) &&
                     f.reason.contains(QStringLiteral("boom at step 3")),
                 qPrintable(f.reason));
        const RunEvaluation b = readRunEvaluation(workspace, *workspace.run(bare));
        QCOMPARE(b.state, EvaluationState::NotEvaluated);
        QVERIFY2(b.reason.contains(QStringLiteral("no test split")), qPrintable(b.reason));
        // show --json omits what a run does not have.
        QVERIFY(!workspace.runReport(*workspace.run(regression))
                     .contains(QStringLiteral("evaluation")));
    }

    void olderRunWithRocOnlyReads() {
        qint64 run = 0;
        {
            StoreWriter writer(path_);
            run =
                writer
                    .startRun({QStringLiteral("old"), QStringLiteral("{\"trainlab\":1}"), {}, 0, 0},
                              QStringLiteral("cpu"))
                    .id;
            writer.storeArtifact(run, QStringLiteral("confusion_matrix"),
                                 confusionArtifact(kMatrix));
            writer.storeArtifact(run, QStringLiteral("classification_report"), reportArtifact());
            writer.storeArtifact(run, QStringLiteral("roc"), rocArtifact());
            writer.finishRun({run, RunStatus::Completed, {}, {}, {}, {}, {}, {}});
        }
        WorkspaceReader workspace(path_);
        const RunEvaluation e = readRunEvaluation(workspace, *workspace.run(run));
        QCOMPARE(e.state, EvaluationState::Available);
        QCOMPARE(e.classes, kClasses);
        QCOMPARE(e.confusion[1], (QVector<qint64>{1, 1, 0}));
        QCOMPARE(e.perClass[0].support, 3);
        QCOMPARE(e.perClass[1].rocAuc.value_or(-1), 0.9);
        QVERIFY(!e.perClass[2].rocAuc); // no curve stored for it
        QVERIFY(!e.macroAp);
        QVERIFY(e.pr.isEmpty());
        QVERIFY(!e.hasMisclassified);
        QCOMPARE(e.roc.size(), 2);
        QCOMPARE(e.roc[1].classIndex, 1);
        QCOMPARE(e.rowNormalized()[1], (QVector<double>{0.5, 0.5, 0.0}));

        const QJsonObject json = evaluationToJson(e);
        const QJsonObject cat = json[QStringLiteral("per_class")][0].toObject();
        QCOMPARE(cat[QStringLiteral("roc_auc")].toDouble(), 0.8);
        QVERIFY(cat[QStringLiteral("average_precision")].isNull());
        QVERIFY(json[QStringLiteral("macro")][QStringLiteral("average_precision")].isNull());
        QCOMPARE(json[QStringLiteral("confusion_matrix")][QStringLiteral("matrix")].toArray(),
                 kMatrix);
        QVERIFY(!json.contains(QStringLiteral("roc"))); // curves only when asked for

        QCOMPARE(workspace.runReport(*workspace.run(run)).value(QStringLiteral("evaluation")),
                 QJsonValue(json));
        // The list of every run stays cheap: no artifacts are read for it.
        QVERIFY(!workspace.runList().first().toObject().contains(QStringLiteral("evaluation")));
    }

    void unreadableArtifactIsNamed() {
        qint64 run = 0;
        {
            StoreWriter writer(path_);
            run =
                writer
                    .startRun({QStringLiteral("bad"), QStringLiteral("{\"trainlab\":1}"), {}, 0, 0},
                              QStringLiteral("cpu"))
                    .id;
            writer.storeArtifact(run, QStringLiteral("confusion_matrix"),
                                 confusionArtifact({QJsonArray{1, 0, 0}, QJsonArray{0, 1}}));
            writer.storeArtifact(run, QStringLiteral("classification_report"), reportArtifact());
            writer.finishRun({run, RunStatus::Completed, {}, {}, {}, {}, {}, {}});
        }
        WorkspaceReader workspace(path_);
        const RunEvaluation e = readRunEvaluation(workspace, *workspace.run(run));
        QCOMPARE(e.state, EvaluationState::NotEvaluated);
        QVERIFY2(e.reason.contains(QStringLiteral("confusion_matrix")), qPrintable(e.reason));
        QVERIFY(e.confusion.isEmpty());
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString path_;
};

QTEST_GUILESS_MAIN(TestRunEvaluation)
#include "tst_runevaluation.moc"
