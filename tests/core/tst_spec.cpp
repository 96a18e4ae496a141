// Spec loading: defaults, validation with JSON paths, unknown keys, round trips, --set paths.
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

const char* kMinimal = R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                           "model": {"preset": "mlp"}})";

QStringList problemsOf(const QByteArray& json, const QStringList& overrides = {}) {
    try {
        parseSpec(json, QStringLiteral("test.json"), overrides);
    } catch (const SpecError& e) {
        return e.problems();
    }
    return {};
}

} // namespace

class TestSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void minimalSpecGetsDocumentedDefaults() {
        const ExperimentSpec spec = parseSpec(kMinimal, QStringLiteral("min"));
        QCOMPARE(spec.training.epochs, 10);
        QCOMPARE(spec.training.batchSize, 128);
        QCOMPARE(spec.training.optimizer.type, QStringLiteral("adamw"));
        QCOMPARE(spec.training.optimizer.lr, 1e-3);
        QCOMPARE(spec.training.precision, QStringLiteral("fp32"));
        QCOMPARE(spec.devices, QStringList{QStringLiteral("auto")});
        QCOMPARE(spec.dataset.validationSplit, 0.1);
    }

    void quickstartFileIsValid() {
        const ExperimentSpec spec = loadSpecFile(test::quickstartSpec());
        QCOMPARE(spec.name, QStringLiteral("quickstart-spirals"));
        QCOMPARE(spec.dataset.synthetic.classes, 3);
        QCOMPARE(spec.model.preset, QStringLiteral("mlp"));
    }

    void reportsEveryProblemWithItsPath() {
        const QStringList problems = problemsOf(R"({
            "trainlab": 1,
            "dataset": {"source": "synthetic", "colour": "red"},
            "model": {"layers": [{"type": "linear", "out": 0}, {"type": "warp"}, {"out": 3}]},
            "training": {"epochs": "ten", "optimizer": {"type": "adamw", "lr": -1},
                         "batch_size": 1.5, "schedule": {"type": "sometimes"}},
            "devices": ["cpu", "tpu:0"],
            "extra": true })");
        const QStringList expected = {
            QStringLiteral("dataset.colour: unknown key"),
            QStringLiteral("model.layers[0].out: must be >= 1, got 0"),
            QStringLiteral("model.layers[1].type: must be one of"),
            QStringLiteral("model.layers[2].type: missing"),
            QStringLiteral("training.epochs: must be a number, got \"ten\""),
            QStringLiteral("training.batch_size: must be an integer, got 1.5"),
            QStringLiteral("training.optimizer.lr: must be > 0, got -1"),
            QStringLiteral("training.schedule.type: must be one of"),
            QStringLiteral("devices[1]: must be \"cpu\" or \"cuda:N\", got \"tpu:0\""),
            QStringLiteral("extra: unknown key"),
        };
        for (const QString& want : expected) {
            const bool found = std::any_of(problems.begin(), problems.end(),
                                           [&](const QString& p) { return p.startsWith(want); });
            QVERIFY2(found, qPrintable(want + QStringLiteral("\nnot in:\n") +
                                       problems.join(QLatin1Char('\n'))));
        }
        QCOMPARE(problems.size(), expected.size());
    }

    void requiredFieldsAreNamed() {
        const QStringList problems = problemsOf(R"({"dataset": {}})");
        QVERIFY(
            problems.contains(QStringLiteral("trainlab: missing (the spec format version, 1)")));
        QVERIFY(problems.filter(QStringLiteral("dataset.source: missing")).size() == 1);
        QVERIFY(problems.filter(QStringLiteral("model: missing")).size() == 1);
    }

    void rejectsNewerSpecVersionAndBothPresetAndLayers() {
        QVERIFY(!problemsOf(R"({"trainlab": 2, "dataset": {"source": "synthetic"},
                                "model": {"preset": "mlp"}})")
                     .filter(QStringLiteral("newer"))
                     .isEmpty());
        QVERIFY(!problemsOf(R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                                "model": {"preset": "mlp", "layers": [{"type": "relu"}]}})")
                     .filter(QStringLiteral("exactly one"))
                     .isEmpty());
    }

    void malformedJsonNamesFileAndLine() {
        try {
            parseSpec("{\n  \"trainlab\": 1,\n  oops\n}", QStringLiteral("broken.json"));
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QVERIFY2(
                e.message().startsWith(QStringLiteral("broken.json: not valid JSON at line 3")),
                qPrintable(e.message()));
        }
    }

    void missingFileIsNamed() {
        try {
            loadSpecFile(QStringLiteral("/nonexistent/spec.json"));
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QCOMPARE(e.message(), QStringLiteral("/nonexistent/spec.json: no such file"));
        }
    }

    void saveLoadSaveRoundTrips() {
        const ExperimentSpec first = parseSpec(R"({
            "trainlab": 1, "name": "rt",
            "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "features": 5}},
            "model": {"layers": [{"type": "flatten"}, {"type": "linear", "out": 16},
                                 {"type": "dropout", "p": 0.25}, {"type": "linear"}],
                      "init": "kaiming"},
            "training": {"optimizer": {"type": "sgd", "lr": 0.05, "nesterov": true},
                         "early_stopping": {"metric": "val_loss", "patience": 2}},
            "devices": ["cpu"]})",
                                               QStringLiteral("rt"));
        const QJsonObject saved = specToJson(first);
        const ExperimentSpec second = specFromJson(saved);
        QCOMPARE(specToJson(second), saved);
        QCOMPARE(second.model.layers.size(), size_t(4));
        QCOMPARE(second.model.layers[2].params.value(QStringLiteral("p")).toDouble(), 0.25);
        QCOMPARE(second.training.optimizer.nesterov, true);
        QCOMPARE(second.devices, QStringList{QStringLiteral("cpu")});
    }

    void overridesUseSpecPaths() {
        const ExperimentSpec spec = parseSpec(
            R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                "model": {"layers": [{"type": "flatten"}, {"type": "linear", "out": 8},
                                     {"type": "linear"}]}})",
            QStringLiteral("o"),
            {QStringLiteral("training.optimizer.lr=0.5"), QStringLiteral("model.layers[1].out=32"),
             QStringLiteral("name=renamed"), QStringLiteral("devices=[\"cpu\"]")});
        QCOMPARE(spec.training.optimizer.lr, 0.5);
        QCOMPARE(spec.model.layers[1].params.value(QStringLiteral("out")).toInt(), 32);
        QCOMPARE(spec.name, QStringLiteral("renamed"));
        QCOMPARE(spec.devices, QStringList{QStringLiteral("cpu")});
    }

    void overrideValuesAreValidatedLikeTheFile() {
        const QStringList problems =
            problemsOf(kMinimal, {QStringLiteral("training.optimizer.lr=-3")});
        QCOMPARE(problems,
                 QStringList{QStringLiteral("training.optimizer.lr: must be > 0, got -3")});
    }

    void badOverridesNameTheAssignment_data() {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("message");
        QTest::newRow("no equals") << "training.lr"
                                   << "expected path=value";
        QTest::newRow("index out of range") << "model.layers[5].out=3"
                                            << "no [5]";
        QTest::newRow("index into object") << "training[0]=3"
                                           << "not a list";
        QTest::newRow("malformed path") << "training..lr=3"
                                        << "malformed spec path";
        QTest::newRow("into a number") << "training.epochs.x=3"
                                       << "not an object";
    }
    void badOverridesNameTheAssignment() {
        QFETCH(QString, assignment);
        QFETCH(QString, message);
        try {
            parseSpec(R"({"trainlab": 1, "dataset": {"source": "synthetic"},
                          "model": {"layers": [{"type": "linear"}]},
                          "training": {"epochs": 3}})",
                      QStringLiteral("o"), {assignment});
            QFAIL("expected an error");
        } catch (const SpecError& e) {
            QFAIL(qPrintable(QStringLiteral("wrong error kind: ") + e.message()));
        } catch (const InputError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("--set ") + assignment),
                     qPrintable(e.message()));
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
    }

    void overrideValueParsing() {
        QCOMPARE(parseOverrideValue(QStringLiteral("3")), QJsonValue(3));
        QCOMPARE(parseOverrideValue(QStringLiteral("true")), QJsonValue(true));
        QCOMPARE(parseOverrideValue(QStringLiteral("sgd")), QJsonValue(QStringLiteral("sgd")));
        QCOMPARE(parseOverrideValue(QStringLiteral("\"3\"")), QJsonValue(QStringLiteral("3")));
        QCOMPARE(parseOverrideValue(QStringLiteral("[1,2]")), QJsonValue(QJsonArray{1, 2}));
    }
};

QTEST_GUILESS_MAIN(TestSpec)
#include "tst_spec.moc"
