// Every layer type builds and runs forward and backward; shapes are inferred, mismatches are
// named; presets have their known sizes; the summary's FLOPs match hand counts.
#include "base/Errors.h"
#include "model/LayerRegistry.h"
#include "model/ModelBuilder.h"
#include "model/ModelSummary.h"
#include "spec/SpecJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>
#include <torch/types.h>
#include <torch/utils.h>

using namespace trainlab;

namespace {

ModelSpec modelFromJson(const char* layersJson) {
    const QByteArray spec =
        QByteArray(R"({"trainlab": 1, "dataset": {"source": "synthetic"}, "model": {"layers": )") +
        layersJson + "}}";
    return parseSpec(spec, QStringLiteral("model")).model;
}

QString buildError(const ModelSpec& model, std::vector<int64_t> input, int64_t outputs) {
    try {
        buildModel(model, input, outputs);
    } catch (const InputError& e) {
        return e.message();
    }
    return {};
}

// Forward and backward through the net; every parameter gets a gradient.
void checkTrains(BuiltModel& built, const std::vector<int64_t>& input, int64_t outputs,
                 bool tokens = false) {
    std::vector<int64_t> shape = {3};
    shape.insert(shape.end(), input.begin(), input.end());
    const auto x = tokens ? torch::randint(0, 10, shape).to(torch::kFloat32) : torch::randn(shape);
    built.net->train();
    const auto y = built.net->forward(x);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{3, outputs}));
    y.pow(2).sum().backward();
    for (const auto& p : built.net->parameters()) {
        QVERIFY(p.grad().defined());
        QVERIFY(torch::isfinite(p.grad()).all().item<bool>());
    }
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(0); }

    void everyLayerTypeBuildsAndTrains_data() {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("tokens");
        QTest::newRow("conv2d bn pools")
            << R"([{"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
            {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d", "kernel": 2},
            {"type": "conv2d", "out": 6, "kernel": 3, "stride": 2, "groups": 2}, {"type": "avgpool2d", "kernel": 1},
            {"type": "adaptive_avgpool2d", "out": 2}, {"type": "flatten"}, {"type": "linear"}])"
            << "1,12,12" << false;
        QTest::newRow("conv1d") << R"([{"type": "conv1d", "out": 5, "kernel": 3, "dilation": 2},
            {"type": "batchnorm1d"}, {"type": "maxpool1d", "kernel": 2}, {"type": "avgpool1d", "kernel": 2},
            {"type": "adaptive_avgpool1d", "out": 1}, {"type": "flatten"}, {"type": "linear"}])"
                                << "2,20" << false;
        QTest::newRow("activations")
            << R"([{"type": "linear", "out": 8}, {"type": "gelu"}, {"type": "silu"},
            {"type": "tanh"}, {"type": "sigmoid"}, {"type": "leaky_relu", "slope": 0.2}, {"type": "layernorm"},
            {"type": "dropout", "p": 0.1}, {"type": "batchnorm1d"}, {"type": "linear"}])"
            << "6" << false;
        QTest::newRow("lstm last")
            << R"([{"type": "to_sequence"}, {"type": "lstm", "hidden": 7, "layers": 2,
            "bidirectional": true}, {"type": "linear"}])"
            << "5,4" << false;
        QTest::newRow("gru sequence") << R"([{"type": "gru", "hidden": 6, "output": "sequence"},
            {"type": "sequence_mean"}, {"type": "linear"}])"
                                      << "5,4" << false;
        QTest::newRow("embedding attention") << R"([{"type": "embedding", "vocab": 10, "dim": 8},
            {"type": "positional_embedding"}, {"type": "attention", "heads": 2},
            {"type": "transformer_encoder", "heads": 2, "ff": 16, "activation": "gelu"},
            {"type": "sequence_mean"}, {"type": "linear"}])"
                                             << "6" << true;
        QTest::newRow("residual with projection") << R"([{"type": "residual", "layers": [
            {"type": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"}]},
            {"type": "residual", "layers": [{"type": "conv2d", "out": 8, "kernel": 3, "padding": 1}]},
            {"type": "flatten"}, {"type": "residual", "layers": [{"type": "linear", "out": 5}]},
            {"type": "linear"}])"
                                                  << "3,8,8" << false;
    }
    void everyLayerTypeBuildsAndTrains() {
        QFETCH(QString, layers);
        QFETCH(QString, input);
        QFETCH(bool, tokens);
        std::vector<int64_t> shape;
        for (const QString& d : input.split(QLatin1Char(',')))
            shape.push_back(d.toLongLong());
        BuiltModel built = buildModel(modelFromJson(layers.toUtf8().constData()), shape, 3);
        checkTrains(built, shape, 3, tokens);
    }

    void registeredTypesAreAllCovered() {
        // Each registered type appears in a row of everyLayerTypeBuildsAndTrains (or is
        // linear/flatten).
        const QStringList covered = {QStringLiteral("linear"),
                                     QStringLiteral("conv1d"),
                                     QStringLiteral("conv2d"),
                                     QStringLiteral("batchnorm1d"),
                                     QStringLiteral("batchnorm2d"),
                                     QStringLiteral("layernorm"),
                                     QStringLiteral("dropout"),
                                     QStringLiteral("relu"),
                                     QStringLiteral("gelu"),
                                     QStringLiteral("silu"),
                                     QStringLiteral("tanh"),
                                     QStringLiteral("sigmoid"),
                                     QStringLiteral("leaky_relu"),
                                     QStringLiteral("maxpool1d"),
                                     QStringLiteral("avgpool1d"),
                                     QStringLiteral("maxpool2d"),
                                     QStringLiteral("avgpool2d"),
                                     QStringLiteral("adaptive_avgpool1d"),
                                     QStringLiteral("adaptive_avgpool2d"),
                                     QStringLiteral("flatten"),
                                     QStringLiteral("to_sequence"),
                                     QStringLiteral("sequence_mean"),
                                     QStringLiteral("embedding"),
                                     QStringLiteral("positional_embedding"),
                                     QStringLiteral("lstm"),
                                     QStringLiteral("gru"),
                                     QStringLiteral("attention"),
                                     QStringLiteral("transformer_encoder"),
                                     QStringLiteral("residual")};
        for (const QString& type : layerRegistry().names())
            QVERIFY2(covered.contains(type), qPrintable(type));
    }

    void presetsHaveKnownSizes() {
        ModelSpec spec;
        spec.preset = QStringLiteral("cnn2");
        QCOMPARE(buildModel(spec, {1, 28, 28}, 10).parameters, 3274634); // the TF tutorial's figure
        spec.preset = QStringLiteral("resnet20");
        const BuiltModel resnet = buildModel(spec, {3, 32, 32}, 10);
        QVERIFY(resnet.parameters > 260000 && resnet.parameters < 280000); // ~0.27M, as published
        spec.preset = QStringLiteral("lenet5");
        QCOMPARE(buildModel(spec, {1, 28, 28}, 10).parameters, 61706);
        spec.preset = QStringLiteral("transformer");
        BuiltModel transformer = buildModel(spec, {1, 28, 28}, 10);
        checkTrains(transformer, {1, 28, 28}, 10);
        spec.preset = QStringLiteral("mlp");
        BuiltModel mlp = buildModel(spec, {2}, 3);
        checkTrains(mlp, {2}, 3);
    }

    void shapeErrorsNameLayerAndShapes() {
        QCOMPARE(
            buildError(
                modelFromJson(
                    R"([{"type": "flatten"}, {"type": "linear", "in": 3136, "out": 10}, {"type": "linear"}])"),
                {2, 28, 28}, 10),
            QStringLiteral("model.layers[1]: linear expects 3136 inputs, gets 1568"));
        QCOMPARE(buildError(modelFromJson(R"([{"type": "linear"}])"), {1, 28, 28}, 10),
                 QStringLiteral(
                     "model.layers[0]: linear expects [features] or [sequence, features], gets "
                     "[1, 28, 28] (add a flatten layer first)"));
        QCOMPARE(
            buildError(
                modelFromJson(
                    R"([{"type": "conv2d", "out": 4, "kernel": 5}, {"type": "flatten"}, {"type": "linear"}])"),
                {1, 3, 3}, 2),
            QStringLiteral(
                "model.layers[0]: conv2d kernel 5 does not fit the input size 3 (padding 0)"));
        QCOMPARE(
            buildError(modelFromJson(R"([{"type": "conv2d", "out": 4}])"), {8}, 2),
            QStringLiteral("model.layers[0]: conv2d expects [channels, height, width], gets [8]"));
        QCOMPARE(
            buildError(
                modelFromJson(
                    R"([{"type": "to_sequence"}, {"type": "attention", "heads": 3}, {"type": "sequence_mean"}, {"type": "linear"}])"),
                {1, 4, 4}, 2),
            QStringLiteral("model.layers[1]: attention needs features (4) divisible by heads (3)"));
        QCOMPARE(
            buildError(
                modelFromJson(
                    R"([{"type": "flatten"}, {"type": "residual", "layers": [{"type": "to_sequence"}]}, {"type": "linear"}])"),
                {4}, 2),
            QStringLiteral(
                "model.layers[1]: residual output [4, 1] cannot be added to its input [4]"));
        QCOMPARE(buildError(modelFromJson(R"([{"type": "flatten"}, {"type": "linear", "out": 7}])"),
                            {4}, 2),
                 QStringLiteral("model: the last layer outputs [7], the task needs [2] (end with a "
                                "linear layer without \"out\")"));
    }

    void missingRequiredParametersAreSpecErrors() {
        try {
            modelFromJson(R"([{"type": "conv2d"}, {"type": "lstm", "hidden": 0}])");
            QFAIL("expected an error");
        } catch (const SpecError& e) {
            QVERIFY(e.problems().contains(
                QStringLiteral("model.layers[0].out: missing (output channels)")));
            QVERIFY(e.problems().contains(
                QStringLiteral("model.layers[1].hidden: must be >= 1, got 0")));
        }
    }

    void summaryCountsFlopsAndMemory() {
        const ModelSpec model =
            modelFromJson(R"([{"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
            {"type": "relu"}, {"type": "flatten"}, {"type": "linear"}])");
        const QJsonObject summary = modelSummaryJson(model, {2, 5, 5}, 3, 16);
        const QJsonArray layers = summary.value(QStringLiteral("layers")).toArray();
        QCOMPARE(layers.size(), 4);
        // conv: 2 * (2 inputs * 3*3) * (4*5*5 outputs) = 3600; relu 100; linear 2 * 100 * 3 = 600
        QCOMPARE(layers[0].toObject().value(QStringLiteral("flops")).toDouble(), 3600.0);
        QCOMPARE(layers[1].toObject().value(QStringLiteral("flops")).toDouble(), 100.0);
        QCOMPARE(layers[3].toObject().value(QStringLiteral("flops")).toDouble(), 600.0);
        QCOMPARE(summary.value(QStringLiteral("flops_per_sample")).toDouble(), 4300.0);
        QCOMPARE(layers[0].toObject().value(QStringLiteral("parameters")).toInteger(),
                 2 * 9 * 4 + 4);
        // 100 conv outputs * 4 bytes * batch 16
        QCOMPARE(layers[0].toObject().value(QStringLiteral("activation_bytes")).toInteger(), 6400);
        QCOMPARE(summary.value(QStringLiteral("parameters")).toInteger(), 76 + 303);
        QCOMPARE(summary.value(QStringLiteral("size_bytes"))
                     .toObject()
                     .value(QStringLiteral("bf16"))
                     .toInteger(),
                 2 * 379);
    }

    void initializationSchemes() {
        ModelSpec model = modelFromJson(R"([{"type": "linear", "out": 50}, {"type": "linear"}])");
        model.init = QStringLiteral("kaiming");
        BuiltModel built = buildModel(model, {40}, 2);
        for (const auto& named : built.net->named_parameters()) {
            if (named.key().find("bias") != std::string::npos)
                QVERIFY(named.value().abs().sum().item<double>() == 0.0);
        }
        // kaiming_uniform with fan_in 40, relu gain: bound sqrt(6 / 40)
        const auto w = built.net->parameters().front();
        QVERIFY(w.abs().max().item<double>() <= std::sqrt(6.0 / 40.0) + 1e-6);
        QVERIFY(w.abs().max().item<double>() > 0.25);
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
