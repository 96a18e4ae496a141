// Transfer learning (training.init_from): the spec's checks; weights loaded by name and shape,
// a head for another class count left fresh; frozen layers unchanged by training while the
// rest learn; and through trainlab-cli, a run started from another run of the workspace, its
// report stored ("transfer" in show --json), a missing run refused naming the field.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "train/Checkpoint.h"
#include "train/Trainer.h"
#include "train/Transfer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

// Blobs of `classes` classes in 8 features; layers 0, 2 and 4 have parameters.
QString blobsSpec(int classes) {
    return QStringLiteral(R"({"trainlab": 1, "name": "blobs-%1",
        "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 600,
                    "classes": %1, "features": 8, "noise": 1.0}},
        "model": {"layers": [{"type": "linear", "out": 32}, {"type": "relu"},
                             {"type": "linear", "out": 16}, {"type": "relu"}, {"type": "linear"}]},
        "training": {"epochs": 2, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}},
        "devices": "cpu"})")
        .arg(classes);
}

ExperimentSpec specOf(int classes, const QStringList& overrides = {}) {
    QJsonObject json = QJsonDocument::fromJson(blobsSpec(classes).toUtf8()).object();
    applyOverrides(json, overrides);
    return specFromJson(json, QStringLiteral("blobs.json"));
}

QString specErrors(int classes, const QStringList& overrides) {
    try {
        specOf(classes, overrides);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

/// Trains `spec` with `options`; returns the final weights (from its last checkpoint).
torch::nn::Sequential train(const ExperimentSpec& spec, TrainerOptions options,
                            QJsonObject* transfer = nullptr) {
    const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed);
    RunControl control;
    TrainerCallbacks callbacks;
    callbacks.metric = [](int64_t, double, const QString&, double) {};
    callbacks.windowLogged = [](int64_t, double) {};
    callbacks.checkpoint = [](int64_t, double, const QString&, bool, const QString&, double) {};
    callbacks.planned = [](int64_t) {};
    callbacks.pauseChanged = [](bool) {};
    callbacks.message = [](const QString&) {};
    callbacks.artifact = [transfer](const QString& kind, const QJsonObject& payload) {
        if (transfer && kind == QLatin1String("transfer"))
            *transfer = payload;
    };
    options.owner.specHash = specHash(spec);
    const TrainOutcome outcome = Trainer(spec, data, control, callbacks, options).run();
    [&] { QCOMPARE(outcome.status, RunStatus::Completed); }();
    auto model = buildModel(spec.model, {8}, data.numClasses).net;
    const QStringList last =
        QDir(options.checkpointDirectory).entryList({QStringLiteral("last-*.pt")}, QDir::Files);
    loadWeights(QDir(options.checkpointDirectory).filePath(last.value(0)), model);
    return model;
}

} // namespace

class TestTransfer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // The source: 4 classes, trained, its best weights kept.
        TrainerOptions options;
        options.checkpointDirectory = dir_.filePath(QStringLiteral("source"));
        source_ = train(specOf(4), options);
        sourceBest_ = QDir(options.checkpointDirectory).filePath(QStringLiteral("best.pt"));
        QVERIFY(QFile::exists(sourceBest_));
    }

    void theSpecChecksItsFields() {
        QVERIFY(specErrors(4, {QStringLiteral("training.init_from.run=3")}).isEmpty());
        QVERIFY(specErrors(4, {QStringLiteral("training.init_from.checkpoint=middle")})
                    .contains(QStringLiteral("training.init_from.checkpoint")));
        QVERIFY(specErrors(4, {QStringLiteral("training.init_from.run=3"),
                               QStringLiteral("training.init_from.freeze=[\"layers[0]\"]")})
                    .contains(QStringLiteral("training.init_from.freeze[0]")));
        QVERIFY(specErrors(4, {QStringLiteral("training.init_from.train_last=1")})
                    .contains(QStringLiteral("training.init_from.run")));
        QVERIFY(specErrors(4, {QStringLiteral("training.init_from.run=3"),
                               QStringLiteral("training.init_from.path=x.pt")})
                    .contains(QStringLiteral("training.init_from.path")));
        // Written back only when on: a spec without it keeps its hash.
        QVERIFY(!specToJson(specOf(4))
                     .value(QStringLiteral("training"))
                     .toObject()
                     .contains(QStringLiteral("init_from")));
        const ExperimentSpec on =
            specOf(4, {QStringLiteral("training.init_from.run=3"),
                       QStringLiteral("training.init_from.freeze=[\"model.layers[2]\"]")});
        QCOMPARE(on.training.initFrom.freeze, QList<int>{2});
        QCOMPARE(specFromJson(specToJson(on)).training.initFrom.freeze, QList<int>{2});
    }

    void matchingWeightsLoadAndAnotherHeadStaysFresh() {
        auto same = buildModel(specOf(4).model, {8}, 4).net;
        TransferReport report = loadMatchingWeights(sourceBest_, same);
        QCOMPARE(report.loaded, 6); // three linear layers' weight and bias
        QVERIFY(report.replaced.isEmpty());
        auto best = buildModel(specOf(4).model, {8}, 4).net;
        loadWeights(sourceBest_, best);
        for (size_t i = 0; i < same->parameters().size(); ++i)
            QVERIFY(torch::equal(same->parameters()[i], best->parameters()[i]));

        // Three classes: the head (layer 4) keeps its fresh weights; the rest are loaded.
        torch::manual_seed(5);
        auto other = buildModel(specOf(3).model, {8}, 3).net;
        const torch::Tensor freshHead = other->named_parameters()["4.weight"].clone();
        report = loadMatchingWeights(sourceBest_, other);
        QCOMPARE(report.loaded, 4);
        QCOMPARE(report.replaced.size(), 2);
        QVERIFY(report.replaced.first().startsWith(QStringLiteral("4.weight [4, 16] -> [3, 16]")));
        QVERIFY(torch::equal(other->named_parameters()["4.weight"], freshHead));
        QVERIFY(torch::equal(other->named_parameters()["0.weight"],
                             best->named_parameters()["0.weight"]));

        // Nothing fits: refused, naming the file.
        auto unrelated = buildModel(specOf(4, {QStringLiteral("model.layers[0].out=7"),
                                               QStringLiteral("model.layers[2].out=5")})
                                        .model,
                                    {8}, 3)
                             .net;
        try {
            loadMatchingWeights(sourceBest_, unrelated);
            QFAIL("loaded weights that fit nothing");
        } catch (const InputError& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(sourceBest_));
        }
    }

    void frozenLayersStayAsLoadedWhileTheRestLearn() {
        // Three classes from the four-class source, training only the last layer.
        const ExperimentSpec spec =
            specOf(3, {QStringLiteral("training.init_from.path=") + sourceBest_,
                       QStringLiteral("training.init_from.train_last=1")});
        TrainerOptions options;
        options.checkpointDirectory = dir_.filePath(QStringLiteral("tuned"));
        QJsonObject report;
        auto tuned = train(spec, options, &report);
        auto best = buildModel(specOf(4).model, {8}, 4).net;
        loadWeights(sourceBest_, best);
        const auto now = tuned->named_parameters();
        const auto was = best->named_parameters();
        for (const char* frozen : {"0.weight", "0.bias", "2.weight", "2.bias"})
            QVERIFY2(torch::equal(now[frozen], was[frozen]), frozen);
        QCOMPARE(report.value(QStringLiteral("loaded")).toInt(), 4);
        QCOMPARE(
            report.value(QStringLiteral("frozen_layers")).toArray(),
            (QJsonArray{QStringLiteral("model.layers[0]"), QStringLiteral("model.layers[2]")}));
        QCOMPARE(report.value(QStringLiteral("trainable_parameters")).toInteger(), 16 * 3 + 3);

        // Without freezing, every layer moves away from what it loaded.
        options.checkpointDirectory = dir_.filePath(QStringLiteral("unfrozen"));
        auto free =
            train(specOf(3, {QStringLiteral("training.init_from.path=") + sourceBest_}), options);
        QVERIFY(!torch::equal(free->named_parameters()["0.weight"], was["0.weight"]));
    }

    void freezingWhatIsNotThereIsRefused() {
        auto model = buildModel(specOf(4).model, {8}, 4).net;
        TransferReport report;
        InitFromSpec spec;
        spec.path = sourceBest_;
        spec.freeze = {1}; // a ReLU
        auto message = [&] {
            try {
                freezeLayers(model, spec, report);
            } catch (const InputError& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        QVERIFY(message().contains(QStringLiteral("model.layers[1] has no parameters")));
        spec.freeze = {9};
        QVERIFY(message().contains(QStringLiteral("model.layers[9] is not in the model")));
        spec.freeze = {0, 2, 4};
        QVERIFY(message().contains(QStringLiteral("nothing would train")));
    }

    void theCliStartsARunFromAnotherRun() {
        const QString db = dir_.filePath(QStringLiteral("transfer.db"));
        const QString specPath = dir_.filePath(QStringLiteral("blobs4.json"));
        test::writeFile(specPath, blobsSpec(4).toUtf8());
        const test::CliResult first =
            test::runCli({QStringLiteral("run"), specPath, QStringLiteral("--db"), db,
                          QStringLiteral("--json")});
        QCOMPARE(first.exitCode, 0);
        const qint64 sourceRun =
            test::parseJson(first.out).object().value(QStringLiteral("id")).toInteger();
        const test::CliResult second = test::runCli(
            {QStringLiteral("run"), specPath, QStringLiteral("--db"), db, QStringLiteral("--set"),
             QStringLiteral("training.init_from.run=%1").arg(sourceRun), QStringLiteral("--set"),
             QStringLiteral("training.init_from.train_last=1"), QStringLiteral("--json")});
        QVERIFY2(second.exitCode == 0, second.err.constData());
        const QJsonObject transfer =
            test::parseJson(second.out).object().value(QStringLiteral("transfer")).toObject();
        QCOMPARE(transfer.value(QStringLiteral("loaded")).toInt(), 6);
        QCOMPARE(transfer.value(QStringLiteral("source")).toString(),
                 QStringLiteral("run %1 (best)").arg(sourceRun));
        QCOMPARE(transfer.value(QStringLiteral("frozen_layers")).toArray().size(), 2);

        TRAINLAB_VERIFY_CLI_FAILURE(
            test::runCli({QStringLiteral("run"), specPath, QStringLiteral("--db"), db,
                          QStringLiteral("--set"), QStringLiteral("training.init_from.run=99")}),
            2, "training.init_from.run: no run 99");
    }

private:
    QTemporaryDir dir_;
    torch::nn::Sequential source_{nullptr};
    QString sourceBest_;
};

QTEST_GUILESS_MAIN(TestTransfer)
#include "tst_transfer.moc"
