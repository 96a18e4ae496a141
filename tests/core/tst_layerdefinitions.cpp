// The layer registry as the window's model designer will read it: compiled without torch on the
// include path (this target does not link trainlab_test_torch), so a torch include creeping into
// these headers fails the build. Also checks that every built-in definition is self-consistent.
#include "base/Errors.h"
#include "model/LayerRegistry.h"
#include "model/LayerSpecReader.h"
#include "model/ModelAnalysis.h"
#include "model/ModelPresets.h"
#include "model/ModelSummary.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <cmath>

using namespace trainlab;

namespace {

bool inRange(double value, const NumberRange& range) {
    return (range.minExclusive ? value > range.min : value >= range.min) &&
           (range.maxExclusive ? value < range.max : value <= range.max);
}

} // namespace

class TestLayerDefinitions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyTypeIsComplete() {
        QVERIFY(layerRegistry().types().size() >= 29);
        for (const LayerType* type : layerRegistry().types()) {
            QVERIFY2(!type->help.isEmpty(), qPrintable(type->name));
            QVERIFY2(!type->category.isEmpty(), qPrintable(type->name)); // the palette's group
            QVERIFY(type->infer && type->make);
            for (const LayerField& field : type->fields) {
                const QString where = type->name + QLatin1Char('.') + field.name;
                QVERIFY2(!field.help.isEmpty(), qPrintable(where));
                QVERIFY2(field.kind != LayerFieldKind::Invalid, qPrintable(where));
                // A required field with a default would never be missing.
                QVERIFY2(!(field.required && !field.defaultValue.isUndefined()), qPrintable(where));
            }
        }
    }

    void everyDefaultIsValid() {
        for (const LayerType* type : layerRegistry().types()) {
            for (const LayerField& field : type->fields) {
                const QString where = type->name + QLatin1Char('.') + field.name;
                const QJsonValue value = field.defaultValue;
                if (value.isUndefined())
                    continue;
                switch (field.kind) {
                case LayerFieldKind::Integer:
                    QVERIFY2(value.isDouble() && value.toDouble() == std::floor(value.toDouble()),
                             qPrintable(where));
                    QVERIFY2(inRange(value.toDouble(), field.range), qPrintable(where));
                    break;
                case LayerFieldKind::Number:
                    QVERIFY2(value.isDouble() && inRange(value.toDouble(), field.range),
                             qPrintable(where));
                    break;
                case LayerFieldKind::Boolean:
                    QVERIFY2(value.isBool(), qPrintable(where));
                    break;
                case LayerFieldKind::Choice:
                    QVERIFY2(field.allowed.contains(value.toString()), qPrintable(where));
                    break;
                case LayerFieldKind::LayerList:
                case LayerFieldKind::Invalid:
                    QFAIL(qPrintable(where + QStringLiteral(": this kind has no default")));
                }
            }
        }
    }

    void aLayerWithItsRequiredFieldsIsValid() {
        for (const LayerType* type : layerRegistry().types()) {
            QJsonObject object{{QStringLiteral("type"), type->name}};
            for (const LayerField& field : type->fields) {
                if (field.kind == LayerFieldKind::LayerList)
                    object.insert(field.name, QJsonArray{QJsonObject{{QStringLiteral("type"),
                                                                      QStringLiteral("relu")}}});
                else if (field.required)
                    object.insert(field.name, 1);
            }
            QStringList errors;
            const LayerSpec spec = readLayerSpec(object, QStringLiteral("layer"), errors);
            QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
            QCOMPARE(spec.type, type->name);
        }
    }

    void presetsAreAnalyzedWithoutBuilding() {
        ModelSpec spec;
        spec.preset = QStringLiteral("cnn2");
        QCOMPARE(analyzeModel(spec, {1, 28, 28}, 10).parameters, 3274634);
        spec.preset = QStringLiteral("lenet5");
        QCOMPARE(analyzeModel(spec, {1, 28, 28}, 10).parameters, 61706);
        spec.preset = QStringLiteral("resnet20");
        const ModelAnalysis resnet = analyzeModel(spec, {3, 32, 32}, 10);
        QVERIFY(resnet.parameters > 260000 && resnet.parameters < 280000);
        QCOMPARE(resnet.layers.back().outputShape, (Shape{10}));
        for (const QString& preset : modelPresetNames()) {
            spec.preset = preset;
            const QJsonObject summary = modelSummaryJson(spec, {1, 28, 28}, 10, 32);
            QVERIFY2(summary.value(QStringLiteral("flops_per_sample")).toDouble() > 0,
                     qPrintable(preset));
        }
    }

    // The model designer shows the rows that worked out and marks the layer at fault, with the
    // message analyzeModel would throw.
    void checkModelKeepsTheRowsBeforeTheFault() {
        ModelSpec spec;
        spec.preset = QStringLiteral("cnn2");
        const ModelCheck good = checkModel(spec, {1, 28, 28}, 10);
        QVERIFY(good.fits());
        QCOMPARE(good.analysis.parameters, analyzeModel(spec, {1, 28, 28}, 10).parameters);
        QVERIFY(good.analysis.activationElements > 0);

        // [2] features into a convolution: the first layer fails, and says why.
        const ModelCheck flat = checkModel(spec, {2}, 3);
        QVERIFY(!flat.fits());
        QCOMPARE(flat.errorPath, QStringLiteral("model.layers[0]"));
        QVERIFY2(flat.error.startsWith(QStringLiteral("model.layers[0]: conv2d expects")),
                 qPrintable(flat.error));
        QCOMPARE(flat.analysis.layers.size(), size_t(1));
        QCOMPARE(flat.analysis.parameters, 0);

        // A linear layer expecting the wrong width, after rows that worked out.
        spec.preset.clear();
        spec.layers = {{QStringLiteral("flatten"), {}},
                       {QStringLiteral("linear"), {{QStringLiteral("out"), 16}}},
                       {QStringLiteral("linear"), {{QStringLiteral("in"), 8}}}};
        const ModelCheck wrong = checkModel(spec, {1, 4, 4}, 3);
        QCOMPARE(wrong.errorPath, QStringLiteral("model.layers[2]"));
        QCOMPARE(wrong.analysis.layers.size(), size_t(3));
        QCOMPARE(wrong.analysis.layers[1].outputShape, (Shape{16}));
        QVERIFY(wrong.analysis.layers[2].outputShape.empty());
        try {
            analyzeModel(spec, {1, 4, 4}, 3);
            QFAIL("analyzeModel accepted a model checkModel refused");
        } catch (const InputError& e) {
            QCOMPARE(e.message(), wrong.error);
        }

        // Every layer fits but the output is not the task's: the model as a whole is at fault.
        spec.layers.pop_back();
        const ModelCheck output = checkModel(spec, {1, 4, 4}, 3);
        QCOMPARE(output.errorPath, QStringLiteral("model"));
        QCOMPARE(output.analysis.layers.size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestLayerDefinitions)
#include "tst_layerdefinitions.moc"
