// Int8 dynamic quantization of linear layers: the quantized model's outputs keep their shape
// and stay close, its file is smaller, and on a trained run its accuracy stays close to fp32's,
// with the report stored in the workspace.
#include "../common/DirectJobContext.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "deploy/RunQuantization.h"
#include "jobs/RunJob.h"
#include "model/ModelBuilder.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"
#include "train/DynamicQuantization.h"
#include "train/StateDict.h"

#include <QFileInfo>
#include <QtTest>
#include <torch/nn/modules/linear.h>

using namespace trainlab;

class TestQuantization : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void linearLayersBecomeInt8() {
        ModelSpec spec;
        spec.preset = QStringLiteral("mlp");
        torch::manual_seed(3);
        BuiltModel built = buildModel(spec, {1, 28, 28}, 10);
        built.net->eval();
        QuantizedModel quantized = quantizeDynamic(built.net);
        QVERIFY(!quantized.engine.isEmpty());
        QCOMPARE(quantized.quantizedLayers, 3);
        QCOMPARE(quantized.net->size(), built.net->size());

        torch::NoGradGuard noGrad;
        const auto x = torch::rand({64, 1, 28, 28});
        const auto reference = built.net->forward(x);
        const auto output = quantized.net->forward(x);
        QCOMPARE(output.sizes().vec(), reference.sizes().vec());
        QCOMPARE(output.scalar_type(), torch::kFloat32);
        // Int8 weights and activations: close to fp32, not equal to it.
        const double scale = reference.abs().max().item<double>();
        const double error = (output - reference).abs().max().item<double>();
        QVERIFY2(error < 0.05 * scale,
                 qPrintable(QStringLiteral("%1 of %2").arg(error).arg(scale)));
        QVERIFY(error > 0);
        QVERIFY(reference.argmax(1).eq(output.argmax(1)).to(torch::kFloat64).mean().item<double>() >
                0.9);

        const auto fp32Bytes = double(pickleTensors(stateDict(built.net)).size());
        const auto int8Bytes = double(quantized.file.size());
        QVERIFY2(fp32Bytes / int8Bytes > 3.5,
                 qPrintable(QStringLiteral("%1 vs %2 bytes").arg(fp32Bytes).arg(int8Bytes)));
    }

    void sequenceInputsKeepTheirShape() {
        torch::nn::Sequential net(torch::nn::Linear(6, 5));
        QuantizedModel quantized = quantizeDynamic(net);
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({4, 7, 6});
        QCOMPARE(quantized.net->forward(x).sizes().vec(), (std::vector<int64_t>{4, 7, 5}));
    }

    void trainedRunKeepsItsAccuracy() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("q.db"));
        const ExperimentSpec spec = parseSpec(R"({"trainlab": 1, "name": "q",
            "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 1500,
                        "classes": 5, "features": 10, "noise": 1.5}},
            "model": {"layers": [{"type": "linear", "out": 64}, {"type": "relu"},
                                 {"type": "linear", "out": 64}, {"type": "relu"},
                                 {"type": "linear"}]},
            "training": {"epochs": 4, "batch_size": 64, "optimizer": {"type": "adam", "lr": 0.005}},
            "devices": "cpu"})",
                                              QStringLiteral("q"));
        JobInfo run;
        {
            RunJob job({spec, {}, 0});
            StoreWriter writer(db);
            test::DirectJobContext context(writer);
            run = context.run(job);
        }
        QCOMPARE(run.status, RunStatus::Completed);
        QuantizationOptions options;
        options.rounds = 3;
        options.repeats = 5;
        const QJsonObject report = quantizeRun(db, run.runId, options);
        const double before = report.value(QStringLiteral("fp32"))
                                  .toObject()
                                  .value(QStringLiteral("test_accuracy"))
                                  .toDouble();
        QVERIFY(before > 0.5); // it learned something worth keeping
        QVERIFY2(std::abs(report.value(QStringLiteral("accuracy_change")).toDouble()) <= 0.02,
                 qPrintable(
                     QString::number(report.value(QStringLiteral("accuracy_change")).toDouble())));
        const QJsonObject size = report.value(QStringLiteral("size_bytes")).toObject();
        QVERIFY(size.value(QStringLiteral("int8")).toInteger() <
                size.value(QStringLiteral("fp32")).toInteger() / 2);
        QCOMPARE(QFileInfo(report.value(QStringLiteral("file")).toString()).size(),
                 size.value(QStringLiteral("int8")).toInteger());
        QCOMPARE(report.value(QStringLiteral("latency_ms"))
                     .toObject()
                     .value(QStringLiteral("batch"))
                     .toInt(),
                 64);

        WorkspaceReader reader(db);
        const auto stored = reader.artifact(run.runId, QStringLiteral("quantization"));
        QVERIFY(stored.has_value());
        QCOMPARE(*stored, report);
        QCOMPARE(reader.runReport(*reader.run(run.runId)).value(QStringLiteral("quantization")),
                 QJsonValue(report));
        QVERIFY_THROWS_EXCEPTION(InputError, quantizeRun(db, run.runId + 1, options));
    }
};

QTEST_GUILESS_MAIN(TestQuantization)
#include "tst_quantization.moc"
