// A trained run leaving TrainLab: `export` read back by PyTorch in Python (the same logits within
// 1e-5), `predict` on image files and CSV rows with its exit-code contract for bad input, and
// `quantize` reporting size, latency and accuracy into the workspace.
#include "../common/CliSupport.h"
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <cmath>

using namespace trainlab;
using test::CliResult;
using test::parseJson;
using test::runCli;

namespace {

constexpr int kSide = 12;
constexpr int kClasses = 3;
constexpr double kLogitTolerance = 1e-5;

// Sample i is class i % 3; its pixels sit around a brightness of its own, so a tiny CNN learns
// the classes in a few epochs.
uchar pixel(size_t index) {
    const size_t sample = index / (kSide * kSide);
    return uchar(40 + 70 * (sample % kClasses) + (index * 37) % 23);
}

// A binary PGM of the pixels of `sample` (its class's brightness), as a user's image file.
QByteArray pgmOf(size_t sample, int side = kSide) {
    QByteArray bytes = QStringLiteral("P5\n%1 %1\n255\n").arg(side).toLatin1();
    for (int p = 0; p < side * side; ++p)
        bytes.append(char(pixel(sample * kSide * kSide + size_t(p))));
    return bytes;
}

// /usr/bin/python3 with torch, as install-deps installs it (not the first python3 on PATH).
QString pythonWithTorch() {
    const QString python = QStringLiteral("/usr/bin/python3");
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"), QStringLiteral("import torch")});
    if (!probe.waitForFinished(60000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0)
        return {};
    return python;
}

QJsonArray logitsOf(const QJsonObject& predict) {
    QJsonArray rows;
    for (const auto& p : predict.value(QStringLiteral("predictions")).toArray())
        rows.append(p.toObject().value(QStringLiteral("logits")));
    return rows;
}

double largestDifference(const QJsonArray& a, const QJsonArray& b) {
    if (a.size() != b.size() || a.isEmpty())
        return INFINITY;
    double largest = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QJsonArray x = a[i].toArray();
        const QJsonArray y = b[i].toArray();
        if (x.size() != y.size() || x.isEmpty())
            return INFINITY;
        for (qsizetype k = 0; k < x.size(); ++k)
            largest = std::max(largest, std::abs(x[k].toDouble() - y[k].toDouble()));
    }
    return largest;
}

} // namespace

class TestDeploy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        db_ = dir_.filePath(QStringLiteral("deploy.db"));
        const int n = 240;
        test::writeFile(dir_.filePath(QStringLiteral("images.idx")),
                        test::idxBytes({quint32(n), kSide, kSide}, 0x08, pixel));
        test::writeFile(
            dir_.filePath(QStringLiteral("labels.idx")),
            test::idxBytes({quint32(n)}, 0x08, [](size_t i) { return uchar(i % kClasses); }));
        imageRun_ = train(QStringLiteral(R"({"trainlab": 1, "name": "tiny-images",
            "dataset": {"source": "idx", "train": {"images": "%1", "labels": "%2"},
                        "validation_split": 0.2, "test_split": 0.2},
            "model": {"layers": [{"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
                                 {"type": "batchnorm2d"}, {"type": "relu"},
                                 {"type": "maxpool2d", "kernel": 2}, {"type": "flatten"},
                                 {"type": "linear", "out": 16}, {"type": "relu"},
                                 {"type": "linear"}]},
            "training": {"epochs": 8, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}},
            "devices": "cpu"})")
                              .arg(dir_.filePath(QStringLiteral("images.idx")),
                                   dir_.filePath(QStringLiteral("labels.idx"))));
        tableRun_ = train(QStringLiteral(R"({"trainlab": 1, "name": "tiny-table",
            "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 600,
                        "classes": 4, "features": 6, "noise": 1.0}},
            "model": {"layers": [{"type": "linear", "out": 64}, {"type": "batchnorm1d"},
                                 {"type": "relu"}, {"type": "linear", "out": 64},
                                 {"type": "relu"}, {"type": "linear"}]},
            "training": {"epochs": 3, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}},
            "devices": "cpu"})"));
        QVERIFY(imageRun_ > 0 && tableRun_ > 0);
        for (int k = 0; k < 3; ++k) // held out: samples past the training set, one per class
            test::writeFile(imagePath(k), pgmOf(size_t(300 + k)));
        test::writeFile(dir_.filePath(QStringLiteral("rows.csv")),
                        "0.5,-1.2,3.0,0.1,0.0,2.2\n-4,1,NA,0.3,7.5,-1\n1,2,3,4,5,6\n");
    }

    void exportLoadsInPythonWithTheSameLogits() {
        const QString python = pythonWithTorch();
        if (python.isEmpty())
            QSKIP("/usr/bin/python3 cannot import torch (install Debian's python3-torch, as "
                  "packaging/install-deps.sh does): the export is not checked against PyTorch");
        struct Case {
            qint64 run;
            QStringList inputs;
        };
        const QList<Case> cases = {
            {imageRun_, {imagePath(0), imagePath(1), imagePath(2)}},
            {tableRun_, {dir_.filePath(QStringLiteral("rows.csv"))}},
        };
        for (const Case& c : cases) {
            const QString out = dir_.filePath(QStringLiteral("export-%1").arg(c.run));
            const CliResult exported =
                runCli({QStringLiteral("export"), QString::number(c.run), QStringLiteral("--out"),
                        out, QStringLiteral("--db"), db_});
            QVERIFY2(exported.exitCode == 0, exported.err.constData());
            for (const char* file : {"spec.json", "model.json", "weights.pt", "preprocessing.json"})
                QVERIFY2(QFileInfo::exists(out + QLatin1Char('/') + QLatin1String(file)), file);
            const QJsonObject cpp = predictJson(c.run, c.inputs);

            QProcess process;
            process.start(
                python,
                QStringList{test::sourcePath(QStringLiteral("tests/python/trainlab_export.py")),
                            out} +
                    c.inputs);
            QVERIFY(process.waitForFinished(60000));
            QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
            const QJsonObject py = parseJson(process.readAllStandardOutput()).object();
            const double difference =
                largestDifference(logitsOf(cpp), py.value(QStringLiteral("logits")).toArray());
            QVERIFY2(difference <= kLogitTolerance,
                     qPrintable(
                         QStringLiteral("run %1: logits differ by %2").arg(c.run).arg(difference)));
            QCOMPARE(py.value(QStringLiteral("classes")), cpp.value(QStringLiteral("classes")));
        }
    }

    void predictImagesGivesProbabilitiesPerClass() {
        const QJsonObject report =
            predictJson(imageRun_, {imagePath(0), imagePath(1), imagePath(2)});
        QCOMPARE(report.value(QStringLiteral("classes")).toArray().size(), kClasses);
        const QJsonArray predictions = report.value(QStringLiteral("predictions")).toArray();
        QCOMPARE(predictions.size(), 3);
        for (int k = 0; k < 3; ++k) {
            const QJsonObject p = predictions[k].toObject();
            QCOMPARE(p.value(QStringLiteral("input")).toString(), imagePath(k));
            double sum = 0;
            for (const auto& v : p.value(QStringLiteral("probabilities")).toArray())
                sum += v.toDouble();
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
            // Sample 300 + k is of class (300 + k) % 3 = k; the classes are easy to tell apart.
            QCOMPARE(p.value(QStringLiteral("index")).toInt(), k);
            QCOMPARE(p.value(QStringLiteral("class")).toString(), QString::number(k));
        }
        const CliResult text = runCli({QStringLiteral("predict"), QString::number(imageRun_),
                                       imagePath(2), QStringLiteral("--db"), db_});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.startsWith(QByteArray(imagePath(2).toUtf8() + "  2  (2 ")),
                 text.out.constData());
    }

    void predictTableRowsReadsCsv() {
        const QString withLabel = dir_.filePath(QStringLiteral("labelled.csv"));
        test::writeFile(withLabel, "0.5,-1.2,3.0,0.1,0.0,2.2,1\n");
        const CliResult result = runCli({QStringLiteral("predict"), QString::number(tableRun_),
                                         dir_.filePath(QStringLiteral("rows.csv")), withLabel,
                                         QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonArray predictions =
            parseJson(result.out).object().value(QStringLiteral("predictions")).toArray();
        QCOMPARE(predictions.size(), 4);
        QCOMPARE(predictions[1].toObject().value(QStringLiteral("input")).toString(),
                 dir_.filePath(QStringLiteral("rows.csv:2")));
        // The same features with the label column after them predict the same.
        QCOMPARE(predictions[3].toObject().value(QStringLiteral("logits")),
                 predictions[0].toObject().value(QStringLiteral("logits")));
    }

    void badInputIsNamedAndExitsTwo() {
        const QString run = QString::number(imageRun_);
        const QString missing = dir_.filePath(QStringLiteral("nope.png"));
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("predict"), run, missing, QStringLiteral("--db"), db_}), 2,
            missing);
        const QString small = dir_.filePath(QStringLiteral("small.pgm"));
        test::writeFile(small, pgmOf(0, kSide - 2));
        const CliResult wrongSize =
            runCli({QStringLiteral("predict"), run, small, QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_CLI_FAILURE(wrongSize, 2, small);
        QVERIFY(wrongSize.err.contains("10x10") && wrongSize.err.contains("12x12"));
        const QString table = QString::number(tableRun_);
        const QString narrow = dir_.filePath(QStringLiteral("narrow.csv"));
        test::writeFile(narrow, "1,2,3\n");
        const CliResult columns =
            runCli({QStringLiteral("predict"), table, narrow, QStringLiteral("--db"), db_});
        TRAINLAB_VERIFY_CLI_FAILURE(columns, 2, narrow);
        QVERIFY(columns.err.contains("3 columns"));
        const QString word = dir_.filePath(QStringLiteral("word.csv"));
        test::writeFile(word, "1,2,three,4,5,6\n");
        TRAINLAB_VERIFY_CLI_FAILURE(
            runCli({QStringLiteral("predict"), table, word, QStringLiteral("--db"), db_}), 2,
            word + QStringLiteral(":1: column 'x2': 'three' is not a number"));

        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("predict"), QStringLiteral("99"), small,
                                            QStringLiteral("--db"), db_}),
                                    2, "no run 99");
        TRAINLAB_VERIFY_CLI_FAILURE(runCli({QStringLiteral("export"), run, QStringLiteral("--out"),
                                            small, QStringLiteral("--db"), db_}),
                                    2, small);
    }

    void quantizeReportsAndStoresItsFigures() {
        const QString run = QString::number(tableRun_);
        const CliResult result =
            runCli({QStringLiteral("quantize"), run, QStringLiteral("--db"), db_});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY2(result.out.contains("linear layers quantized to int8"), result.out.constData());
        QVERIFY(result.out.contains("test_accuracy"));
        const CliResult show = runCli(
            {QStringLiteral("show"), run, QStringLiteral("--db"), db_, QStringLiteral("--json")});
        QCOMPARE(show.exitCode, 0);
        const QJsonObject report =
            parseJson(show.out).object().value(QStringLiteral("quantization")).toObject();
        QCOMPARE(report.value(QStringLiteral("quantized_layers")).toInt(), 3);
        const QJsonObject size = report.value(QStringLiteral("size_bytes")).toObject();
        QVERIFY(size.value(QStringLiteral("int8")).toInteger() <
                size.value(QStringLiteral("fp32")).toInteger());
        QVERIFY(QFileInfo::exists(report.value(QStringLiteral("file")).toString()));
        QVERIFY(report.value(QStringLiteral("latency_ms"))
                    .toObject()
                    .value(QStringLiteral("int8"))
                    .toDouble() > 0);
    }

private:
    // Trains a spec through the CLI; the run's id.
    qint64 train(const QString& specJson) {
        const QString spec = dir_.filePath(QStringLiteral("spec-%1.json").arg(++specs_));
        test::writeFile(spec, specJson.toUtf8());
        const CliResult run = runCli(
            {QStringLiteral("run"), spec, QStringLiteral("--db"), db_, QStringLiteral("--json")});
        if (run.exitCode != 0)
            qWarning("run failed: %s", run.err.constData());
        return parseJson(run.out).object().value(QStringLiteral("id")).toInteger();
    }

    // `predict RUN INPUT... --json`, run once per run and inputs.
    QJsonObject predictJson(qint64 run, const QStringList& inputs) {
        const QString key = QString::number(run) + inputs.join(QLatin1Char('|'));
        if (!predictions_.contains(key)) {
            const CliResult result =
                runCli(QStringList{QStringLiteral("predict"), QString::number(run)} + inputs +
                       QStringList{QStringLiteral("--db"), db_, QStringLiteral("--json")});
            if (result.exitCode != 0)
                qWarning("predict failed: %s", result.err.constData());
            predictions_.insert(key, parseJson(result.out).object());
        }
        return predictions_.value(key);
    }

    QString imagePath(int k) const { return dir_.filePath(QStringLiteral("sample-%1.pgm").arg(k)); }

    QTemporaryDir dir_;
    QString db_;
    int specs_ = 0;
    qint64 imageRun_ = 0;
    qint64 tableRun_ = 0;
    QHash<QString, QJsonObject> predictions_;
};

QTEST_GUILESS_MAIN(TestDeploy)
#include "tst_deploy.moc"
