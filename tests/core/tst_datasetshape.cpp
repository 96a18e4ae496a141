// The dataset shape the model designer analyzes against: known from the dataset block where the
// source's format fixes it, and otherwise read from the files, always what a run would see.
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/DataPaths.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetShape.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace trainlab;

namespace {

// What a run sees: the loaded dataset's shape and outputs.
DatasetShape loadedShape(const DatasetSpec& spec) {
    const DatasetSplits data = buildDataset(spec, 1);
    return {data.sampleShape, data.task == TaskKind::Classification ? data.numClasses : 1};
}

} // namespace

class TestDatasetShape : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void syntheticShapesMatchTheGeneratedData_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("classes");
        QTest::addColumn<int>("features");
        QTest::newRow("spirals") << QStringLiteral("spirals") << 4 << 2;
        QTest::newRow("moons") << QStringLiteral("moons") << 2 << 2;
        QTest::newRow("blobs") << QStringLiteral("blobs") << 5 << 7;
        QTest::newRow("regression") << QStringLiteral("regression") << 3 << 6;
    }
    void syntheticShapesMatchTheGeneratedData() {
        QFETCH(QString, kind);
        QFETCH(int, classes);
        QFETCH(int, features);
        DatasetSpec spec;
        spec.source = QStringLiteral("synthetic");
        spec.synthetic.kind = kind;
        spec.synthetic.samples = 120;
        spec.synthetic.classes = classes;
        spec.synthetic.features = features;
        const std::optional<DatasetShape> known = datasetShapeFromSpec(spec);
        QVERIFY(known);
        const DatasetShape loaded = loadedShape(spec);
        QCOMPARE(known->sampleShape, loaded.sampleShape);
        QCOMPARE(known->outputs, loaded.outputs);
        QCOMPARE(datasetShape(spec, 1).sampleShape, loaded.sampleShape);
    }

    void fixedFormatsMatchTheirReaders() {
        QTemporaryDir dir;
        const QString root = dir.path();
        for (const char* name : {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                                 "data_batch_5", "test_batch"})
            test::writeFile(root + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".bin"),
                            test::cifarBytes(10));
        DatasetSpec cifar;
        cifar.source = QStringLiteral("cifar10");
        cifar.path = root;
        cifar.validationSplit = 0;
        const DatasetShape loaded = loadedShape(cifar);
        QCOMPARE(datasetShapeFromSpec(cifar)->sampleShape, loaded.sampleShape);
        QCOMPARE(datasetShapeFromSpec(cifar)->outputs, loaded.outputs);

        DatasetSpec fashion;
        fashion.source = QStringLiteral("fashion-mnist");
        QCOMPARE(datasetShapeFromSpec(fashion)->sampleShape, (std::vector<int64_t>{1, 28, 28}));
        QCOMPARE(datasetShapeFromSpec(fashion)->outputs, 10);
        if (!QFileInfo::exists(QLatin1String(kFashionMnistDir)))
            QSKIP("Fashion-MNIST is not installed; its fixed shape is checked against CIFAR's "
                  "reader only");
        const DatasetShape mnist = loadedShape(fashion);
        QCOMPARE(datasetShapeFromSpec(fashion)->sampleShape, mnist.sampleShape);
        QCOMPARE(datasetShapeFromSpec(fashion)->outputs, mnist.outputs);
    }

    void filesDecideTheRest() {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("t.csv"));
        QByteArray text = "a,b,colour,label\n";
        for (int i = 0; i < 30; ++i)
            text += QByteArray::number(i) + "," + QByteArray::number(i * 2) + "," +
                    (i % 2 ? "red" : "blue") + "," + QByteArray::number(i % 3) + "\n";
        test::writeFile(csv, text);
        DatasetSpec spec;
        spec.source = QStringLiteral("csv");
        spec.path = csv;
        QVERIFY(!datasetShapeFromSpec(spec));
        const DatasetShape shape = datasetShape(spec, 1);
        // Two numeric columns and a one-hot colour; three classes.
        QCOMPARE(shape.sampleShape, (std::vector<int64_t>{4}));
        QCOMPARE(shape.outputs, 3);

        spec.path = dir.filePath(QStringLiteral("missing.csv"));
        try {
            datasetShape(spec, 1);
            QFAIL("a missing file had a shape");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(spec.path), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasetShape)
#include "tst_datasetshape.moc"
