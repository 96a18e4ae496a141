// A layer type registered from outside core, as a new built-in would be: one definition and one
// registration line, and the spec loader, the model summary and the builder all know it.
#include "base/Errors.h"
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/ModelBuilder.h"
#include "model/ModelSummary.h"
#include "spec/SpecJson.h"

#include <QJsonArray>
#include <QtTest>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

using namespace trainlab;

namespace {

// test_tile: [F] to [F * times], each feature repeated after a learned per-feature scale.
struct TileImpl : torch::nn::Module {
    TileImpl(int64_t features, int64_t times, double gain, bool learn)
        : times(times)
        , gain(gain) {
        scale = learn ? register_parameter("scale", torch::ones({features}))
                      : register_buffer("scale", torch::ones({features}));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        return (x * scale * gain).repeat_interleave(times, 1);
    }
    torch::Tensor scale;
    int64_t times;
    double gain;
};
TORCH_MODULE(Tile);

LayerEstimate inferTile(const LayerContext& layer) {
    layer.requireRank({1}, QStringLiteral("[features]"));
    const int64_t features = layer.input()[0];
    LayerEstimate estimate{{features * layer.integer("times")}};
    estimate.parameters = layer.boolean("learn") ? features : 0;
    estimate.flops = double(elementCount(estimate.output));
    return estimate;
}

torch::nn::AnyModule makeTile(const LayerBuild& layer) {
    return torch::nn::AnyModule(Tile(layer.input()[0], layer.integer("times"), layer.number("gain"),
                                     layer.boolean("learn")));
}

LayerType tileType() {
    return {QStringLiteral("test_tile"),
            QStringLiteral("Repeats each scaled feature (a test-only layer type)"),
            {requiredIntField("times", NumberRange{1, 8}, "copies of each feature"),
             numberField("gain", 1.0, NumberRange{0, 10, true, false}, "multiplies the output"),
             boolField("learn", true, "learn a per-feature scale")},
            inferTile,
            makeTile};
}

// A type whose factory disagrees with its inference: the builder must refuse it.
LayerEstimate inferMiscounted(const LayerContext& layer) {
    return {layer.input()};
}

torch::nn::AnyModule makeMiscounted(const LayerBuild& layer) {
    return torch::nn::AnyModule(torch::nn::Linear(layer.input()[0], layer.input()[0]));
}

ModelSpec modelFromJson(const QByteArray& layersJson) {
    return parseSpec(R"({"trainlab": 1, "dataset": {"source": "synthetic"}, "model": {"layers": )" +
                         layersJson + "}}",
                     QStringLiteral("model"))
        .model;
}

QStringList problemsOf(const QByteArray& layersJson) {
    try {
        modelFromJson(layersJson);
    } catch (const SpecError& e) {
        return e.problems();
    }
    return {};
}

} // namespace

class TestLayerRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        torch::manual_seed(0);
        layerRegistry().add(tileType());
        layerRegistry().add({QStringLiteral("test_miscounted"),
                             QStringLiteral("test only"),
                             {},
                             inferMiscounted,
                             makeMiscounted});
    }

    void theRegistryDescribesTheType() {
        const LayerType* type = layerRegistry().find(QStringLiteral("test_tile"));
        QVERIFY(type);
        QCOMPARE(layerRegistry().names().last(), QStringLiteral("test_miscounted"));
        const LayerField* gain = type->field(QStringLiteral("gain"));
        QVERIFY(gain);
        QCOMPARE(gain->kind, LayerFieldKind::Number);
        QCOMPARE(gain->defaultValue.toDouble(), 1.0);
        QVERIFY(type->field(QStringLiteral("times"))->required);
    }

    void theSpecLoaderFillsDefaults() {
        const ModelSpec model = modelFromJson(R"([{"type": "test_tile", "times": 2}])");
        QCOMPARE(model.layers.size(), size_t(1));
        const QJsonObject params = model.layers[0].params;
        QCOMPARE(params.value(QStringLiteral("times")).toInt(), 2);
        QCOMPARE(params.value(QStringLiteral("gain")).toDouble(), 1.0);
        QCOMPARE(params.value(QStringLiteral("learn")).toBool(), true);
    }

    void theSpecLoaderNamesBadFieldsByPath() {
        const QStringList problems = problemsOf(R"([
            {"type": "test_tile"},
            {"type": "test_tile", "times": 0, "gain": "loud", "learn": 1, "colour": "red"},
            {"type": "residual", "layers": [{"type": "test_tile", "times": 2.5}]},
            {"type": "warp"}])");
        const QStringList expected = {
            QStringLiteral("model.layers[0].times: missing (copies of each feature)"),
            QStringLiteral("model.layers[1].times: must be >= 1 and <= 8, got 0"),
            QStringLiteral("model.layers[1].gain: must be a number, got \"loud\""),
            QStringLiteral("model.layers[1].learn: must be true or false, got 1"),
            QStringLiteral("model.layers[1].colour: unknown key"),
            QStringLiteral("model.layers[2].layers[0].times: must be an integer, got 2.5"),
        };
        for (const QString& want : expected)
            QVERIFY2(problems.contains(want), qPrintable(want + QStringLiteral("\nnot in:\n") +
                                                         problems.join(QLatin1Char('\n'))));
        // The list of types a spec may use includes the new one.
        const auto typeProblem =
            std::find_if(problems.begin(), problems.end(), [](const QString& p) {
                return p.startsWith(QStringLiteral("model.layers[3].type: must be one of "));
            });
        QVERIFY(typeProblem != problems.end());
        QVERIFY2(typeProblem->contains(QStringLiteral(", test_tile, ")), qPrintable(*typeProblem));
    }

    void theSummaryInfersShapeParametersAndFlops() {
        const ModelSpec model = modelFromJson(R"([{"type": "flatten"},
            {"type": "test_tile", "times": 3}, {"type": "linear"}])");
        const QJsonObject summary = modelSummaryJson(model, {2, 2}, 5, 4);
        const QJsonObject tile = summary.value(QStringLiteral("layers")).toArray()[1].toObject();
        QCOMPARE(tile.value(QStringLiteral("type")).toString(), QStringLiteral("test_tile"));
        QCOMPARE(tile.value(QStringLiteral("output_shape")).toArray(), QJsonArray{12});
        QCOMPARE(tile.value(QStringLiteral("parameters")).toInteger(), 4);
        QCOMPARE(tile.value(QStringLiteral("flops")).toDouble(), 12.0);
        // 12 outputs * 4 bytes * batch 4
        QCOMPARE(tile.value(QStringLiteral("activation_bytes")).toInteger(), 192);
        // the linear layer: 12 * 5 weights + 5 biases, 2 * 12 * 5 FLOPs
        QCOMPARE(summary.value(QStringLiteral("parameters")).toInteger(), 4 + 65);
        QCOMPARE(summary.value(QStringLiteral("flops_per_sample")).toDouble(), 12.0 + 120.0);
    }

    void theSummaryNamesAnInputTheTypeRefuses() {
        try {
            modelSummaryJson(modelFromJson(R"([{"type": "test_tile", "times": 2}])"), {2, 2}, 5, 1);
            QFAIL("expected an InputError");
        } catch (const InputError& e) {
            QCOMPARE(e.message(),
                     QStringLiteral("model.layers[0]: test_tile expects [features], gets [2, 2]"));
        }
    }

    void theBuilderMakesAWorkingModule() {
        // Also nested: the residual adds a linear projection from [4] to [8].
        const ModelSpec model = modelFromJson(R"([{"type": "flatten"},
            {"type": "test_tile", "times": 2, "gain": 0.5},
            {"type": "residual", "layers": [{"type": "test_tile", "times": 2, "learn": false}]},
            {"type": "linear"}])");
        BuiltModel built = buildModel(model, {1, 2}, 3);
        QCOMPARE(built.layers[3].type, QStringLiteral("test_tile"));
        QCOMPARE(built.layers[3].depth, 1);
        QCOMPARE(built.layers[2].parameters, 4 * 8 + 8);
        QCOMPARE(built.parameters, 2 + (4 * 8 + 8) + (8 * 3 + 3));
        built.net->train();
        const auto x = torch::randn({5, 1, 2});
        const auto y = built.net->forward(x);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{5, 3}));
        y.pow(2).sum().backward();
        const auto scale = built.net->named_parameters().find("1.scale");
        QVERIFY(scale);
        QVERIFY(scale->grad().defined());
        QVERIFY(torch::isfinite(scale->grad()).all().item<bool>());
    }

    void theBuilderRefusesAFactoryThatDisagreesWithItsInference() {
        const ModelSpec model = modelFromJson(
            R"([{"type": "flatten"}, {"type": "test_miscounted"}, {"type": "linear"}])");
        QCOMPARE(analyzeModel(model, {4}, 2).parameters, 4 * 2 + 2);
        try {
            buildModel(model, {4}, 2);
            QFAIL("expected a logic_error");
        } catch (const std::logic_error& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                     QStringLiteral("model.layers[1]: layer type test_miscounted infers 0 "
                                    "parameters, its module has 20"));
        }
    }

    void registrationRefusesDuplicatesAndHalfDefinitions() {
        QVERIFY_THROWS_EXCEPTION(std::logic_error, layerRegistry().add(tileType()));
        LayerType noFactory = tileType();
        noFactory.name = QStringLiteral("test_no_factory");
        noFactory.make = nullptr;
        QVERIFY_THROWS_EXCEPTION(std::logic_error, layerRegistry().add(noFactory));
        QVERIFY(!layerRegistry().find(QStringLiteral("test_no_factory")));
    }
};

QTEST_GUILESS_MAIN(TestLayerRegistry)
#include "tst_layerregistry.moc"
