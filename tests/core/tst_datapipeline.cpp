// Splits, normalization, the loader (sharding, order, augmentation determinism, drop_last),
// imbalance options and the dataset cache.
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/Augmentation.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"

#include <QtTest>
#include <set>

using namespace trainlab;

namespace {

DatasetSpec syntheticSpec(int samples = 600, int classes = 3) {
    DatasetSpec spec;
    spec.source = QStringLiteral("synthetic");
    spec.synthetic.kind = QStringLiteral("blobs");
    spec.synthetic.samples = samples;
    spec.synthetic.classes = classes;
    spec.synthetic.features = 4;
    return spec;
}

// An image dataset of `n` samples in `classes` classes with labels i % classes (or skewed).
TensorDataset imageData(int64_t n, int64_t classes, bool skewed = false) {
    auto pixels = torch::randint(0, 256, {n, 1, 6, 6}, torch::kUInt8);
    auto labels = torch::arange(n, torch::kInt64) % classes;
    if (skewed)
        labels = torch::where(torch::arange(n) % 10 == 0, torch::ones({n}, torch::kInt64),
                              torch::zeros({n}, torch::kInt64));
    return {pixels, labels};
}

torch::Tensor rowsAsStored(const torch::Tensor& features, at::IntArrayRef rows) {
    return selectRows(features, rows);
}

std::vector<int64_t> loaderIndices(DataLoader& loader, const TensorDataset& data, int epoch) {
    (void)data;
    return loader.epochOrder(epoch);
}

} // namespace

class TestDataPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        cacheDir_ = dir_->filePath(QStringLiteral("cache"));
    }

    void splitsAreStratifiedAndReproducible() {
        DatasetSpec spec = syntheticSpec(600, 3);
        spec.validationSplit = 0.2;
        spec.testSplit = 0.1;
        const DatasetSplits a = buildDataset(spec, 5);
        QCOMPARE(a.train.size() + a.validation.size() + a.test.size(), 600);
        QCOMPARE(classHistogram(a.validation, 3), (std::vector<int64_t>{40, 40, 40}));
        QCOMPARE(classHistogram(a.test, 3), (std::vector<int64_t>{20, 20, 20}));
        const DatasetSplits b = buildDataset(spec, 5);
        QVERIFY(torch::equal(a.validation.features, b.validation.features));
        const DatasetSplits c = buildDataset(spec, 6);
        QVERIFY(!torch::equal(a.validation.features, c.validation.features));
    }

    void sourceTestSplitIsKept() {
        const QString images = dir_->filePath(QStringLiteral("i.idx"));
        const QString labels = dir_->filePath(QStringLiteral("l.idx"));
        const QString testImages = dir_->filePath(QStringLiteral("ti.idx"));
        const QString testLabels = dir_->filePath(QStringLiteral("tl.idx"));
        test::writeFile(images, test::idxBytes({100, 4, 4}));
        test::writeFile(labels, test::idxBytes({100}, 0x08, [](size_t i) { return uchar(i % 4); }));
        test::writeFile(testImages, test::idxBytes({12, 4, 4}));
        test::writeFile(testLabels,
                        test::idxBytes({12}, 0x08, [](size_t i) { return uchar(i % 4); }));
        DatasetSpec spec;
        spec.source = QStringLiteral("idx");
        spec.train = {images, labels};
        spec.test = {testImages, testLabels};
        spec.validationSplit = 0.2;
        spec.testSplit = 0.5; // ignored: the source has its own test split
        const DatasetSplits splits = buildDataset(spec, 1);
        QCOMPARE(splits.test.size(), 12);
        QCOMPARE(splits.validation.size(), 20);
        QCOMPARE(splits.train.size(), 80);
        QVERIFY(splits.images);
        QCOMPARE(splits.sampleShape, (std::vector<int64_t>{1, 4, 4}));
    }

    void normalizationUsesTrainingSplitOnly() {
        DatasetSpec spec = syntheticSpec(900, 3);
        const DatasetSplits splits = buildDataset(spec, 3);
        // After standardizing with its own statistics the training split has mean 0, std 1;
        // the other splits do not exactly.
        const auto mean = splits.train.features.mean(0);
        const auto std = splits.train.features.std(0, false);
        QVERIFY(mean.abs().max().item<double>() < 1e-5);
        QVERIFY((std - 1).abs().max().item<double>() < 1e-4);
        QVERIFY(splits.validation.features.mean(0).abs().max().item<double>() > 1e-4);
        QCOMPARE(normalizationToJson(splits.normalization)
                     .value(QStringLiteral("mean"))
                     .toArray()
                     .size(),
                 4);
    }

    void maxSamplesTakesStratifiedSubset() {
        DatasetSpec spec = syntheticSpec(3000, 3);
        spec.maxTrainSamples = 300;
        spec.validationSplit = 0.1;
        spec.testSplit = 0.1;
        const DatasetSplits splits = buildDataset(spec, 9);
        QCOMPARE(splits.train.size() + splits.validation.size() + splits.test.size(), 300);
        QCOMPARE(classHistogram(splits.test, 3), (std::vector<int64_t>{10, 10, 10}));
    }

    void shardsAreDisjointAndEqual() {
        const TensorDataset data = imageData(103, 4);
        std::set<int64_t> seen;
        size_t perRank = 0;
        for (int rank = 0; rank < 3; ++rank) {
            LoaderOptions options;
            options.rank = rank;
            options.worldSize = 3;
            options.seed = 11;
            options.workers = 0;
            DataLoader loader(data, 4, rowsAsStored, options);
            const auto order = loaderIndices(loader, data, 2);
            if (rank == 0)
                perRank = order.size();
            QCOMPARE(order.size(), perRank);
            for (int64_t i : order)
                QVERIFY2(seen.insert(i).second, "an index appeared on two ranks");
        }
        QCOMPARE(perRank, size_t(34));
        QCOMPARE(seen.size(), size_t(102));
    }

    void epochsReshuffleDeterministically() {
        const TensorDataset data = imageData(50, 5);
        LoaderOptions options;
        options.seed = 4;
        DataLoader a(data, 5, rowsAsStored, options);
        DataLoader b(data, 5, rowsAsStored, options);
        QCOMPARE(a.epochOrder(0), b.epochOrder(0));
        QVERIFY(a.epochOrder(0) != a.epochOrder(1));
        std::vector<int64_t> sorted = a.epochOrder(1);
        std::sort(sorted.begin(), sorted.end());
        for (int64_t i = 0; i < 50; ++i)
            QCOMPARE(sorted[size_t(i)], i);
    }

    void batchesAreTheSameWithAndWithoutWorkers() {
        const TensorDataset data = imageData(70, 2);
        auto prepare = [](const torch::Tensor& features, at::IntArrayRef rows) {
            return selectRows(features, rows).to(torch::kFloat32).div(255.0);
        };
        LoaderOptions options;
        options.batchSize = 16;
        options.seed = 21;
        options.augment.randomCropPadding = 2;
        options.augment.hflip = true;
        options.augment.rotationDeg = 10;
        options.augment.gaussianNoise = 0.1;
        std::vector<torch::Tensor> streams[2];
        for (int workers : {0, 3}) {
            options.workers = workers;
            DataLoader loader(data, 2, prepare, options);
            QCOMPARE(loader.batchesPerEpoch(), 5);
            loader.startEpoch(1);
            while (auto batch = loader.next())
                streams[workers ? 1 : 0].push_back(batch->inputs);
        }
        QCOMPARE(streams[0].size(), size_t(5));
        QCOMPARE(streams[0].back().size(0), 6); // 70 = 4 * 16 + 6 without drop_last
        for (size_t i = 0; i < streams[0].size(); ++i)
            QVERIFY(torch::equal(streams[0][i], streams[1][i]));
    }

    void preparedRowsMatchTheTensorPathBitForBit() {
        // The loader's one-pass path and the evaluation's tensor ops must give one model input.
        const torch::Tensor pixels = torch::randint(0, 256, {40, 3, 5, 7}, torch::kUInt8);
        DatasetSplits splits;
        splits.images = true;
        const std::vector<int64_t> rows = {39, 0, 7, 7, 21};
        const auto index = torch::tensor(rows, torch::kInt64);
        QVERIFY(torch::equal(InputPreparation(splits).rows(pixels, rows),
                             prepareFeatures(pixels.index_select(0, index), splits)));
        QVERIFY(
            torch::allclose(prepareFeatures(pixels, splits), pixels.to(torch::kFloat32) / 255.0));
        splits.normalization.mean = torch::tensor({0.3F, 0.5F, 0.61F}).view({3, 1, 1});
        splits.normalization.std = torch::tensor({0.2F, 0.33F, 0.17F}).view({3, 1, 1});
        const auto fused = InputPreparation(splits).rows(pixels, rows);
        QCOMPARE(fused.sizes(), (std::vector<int64_t>{5, 3, 5, 7}));
        QVERIFY(torch::equal(fused, prepareFeatures(pixels.index_select(0, index), splits)));
        const auto reference = (pixels.index_select(0, index).to(torch::kFloat32) / 255.0 -
                                splits.normalization.mean) /
                               splits.normalization.std;
        QVERIFY(torch::allclose(fused, reference, 1e-5, 1e-5));
        // Tables and targets take the row copy; a row outside the data is refused.
        const auto table = torch::randn({9, 4});
        QVERIFY(torch::equal(selectRows(table, {8, 2}),
                             table.index_select(0, torch::tensor({8, 2}, torch::kInt64))));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, selectRows(table, {9}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, InputPreparation(splits).rows(pixels, {-1}));
    }

    void augmentationIsSeededAndChangesImages() {
        auto batch = torch::rand({8, 1, 10, 10});
        AugmentSpec spec;
        spec.hflip = true;
        spec.randomCropPadding = 2;
        spec.rotationDeg = 15;
        const auto a = augmentBatch(batch, spec, 77);
        const auto b = augmentBatch(batch, spec, 77);
        const auto c = augmentBatch(batch, spec, 78);
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
        QVERIFY(!torch::equal(a, batch));
        QCOMPARE(a.sizes(), batch.sizes());
        // A flip alone keeps each image's pixels, mirrored or not.
        AugmentSpec flipOnly;
        flipOnly.hflip = true;
        const auto flipped = augmentBatch(batch, flipOnly, 3);
        for (int64_t i = 0; i < 8; ++i)
            QVERIFY(torch::equal(flipped[i], batch[i]) ||
                    torch::equal(flipped[i], batch[i].flip({2})));
    }

    void dropLastDropsThePartialBatch() {
        const TensorDataset data = imageData(70, 2);
        LoaderOptions options;
        options.batchSize = 16;
        options.dropLast = true;
        DataLoader loader(data, 2, rowsAsStored, options);
        QCOMPARE(loader.batchesPerEpoch(), 4);
        loader.startEpoch(0);
        int count = 0;
        while (auto batch = loader.next()) {
            QCOMPARE(batch->inputs.size(0), 16);
            ++count;
        }
        QCOMPARE(count, 4);
    }

    void classWeightsAndBalancedSampling() {
        const TensorDataset data = imageData(1000, 2, true); // 900 of class 0, 100 of class 1
        const auto weights = inverseFrequencyWeights(data, 2);
        QVERIFY(std::abs(weights[0].item<double>() - 1000.0 / (2 * 900)) < 1e-6);
        QVERIFY(std::abs(weights[1].item<double>() - 1000.0 / (2 * 100)) < 1e-6);
        LoaderOptions options;
        options.balanced = true;
        options.seed = 5;
        DataLoader loader(data, 2, rowsAsStored, options);
        const auto order = loader.epochOrder(0);
        int64_t minority = 0;
        for (int64_t i : order)
            minority += data.targets[i].item<int64_t>();
        QCOMPARE(order.size(), size_t(1000));
        QVERIFY2(minority > 420 && minority < 580, qPrintable(QString::number(minority)));
    }

    void cacheAnswersTheSecondOpenAndNoticesChanges() {
        const QString images = dir_->filePath(QStringLiteral("i.idx.gz"));
        const QString labels = dir_->filePath(QStringLiteral("l.idx"));
        test::writeFile(images, test::gzipBytes(test::idxBytes({40, 5, 5})));
        test::writeFile(labels, test::idxBytes({40}, 0x08, [](size_t i) { return uchar(i % 2); }));
        DatasetSpec spec;
        spec.source = QStringLiteral("idx");
        spec.train = {images, labels};
        const DatasetCache cache(cacheDir_);
        bool fromCache = true;
        const SourceData first = loadSource(spec, &cache, &fromCache);
        QVERIFY(!fromCache);
        const SourceData second = loadSource(spec, &cache, &fromCache);
        QVERIFY(fromCache);
        QVERIFY(torch::equal(first.train.features, second.train.features));
        QVERIFY(torch::equal(first.train.targets, second.train.targets));
        QCOMPARE(second.classNames, first.classNames);

        // New content (and so a new size and time): the old entry no longer matches.
        QTest::qWait(20);
        test::writeFile(labels, test::idxBytes({40}, 0x08, [](size_t i) { return uchar(i % 4); }));
        QFile(labels).setFileTime(QDateTime::currentDateTime().addSecs(5),
                                  QFileDevice::FileModificationTime);
        const SourceData third = loadSource(spec, &cache, &fromCache);
        QVERIFY(!fromCache);
        QCOMPARE(third.classNames.size(), 4);

        // A damaged cache entry is ignored, not trusted.
        test::writeFile(cache.fileFor(cache.keyFor(spec)), "TLDSgarbage");
        loadSource(spec, &cache, &fromCache);
        QVERIFY(!fromCache);
    }

    void emptyClassIsAnError() {
        const QString images = dir_->filePath(QStringLiteral("i.idx"));
        const QString labels = dir_->filePath(QStringLiteral("l.idx"));
        test::writeFile(images, test::idxBytes({6, 2, 2}));
        test::writeFile(
            labels, test::idxBytes({6}, 0x08, [](size_t i) { return uchar(i % 2 == 0 ? 0 : 2); }));
        DatasetSpec spec;
        spec.source = QStringLiteral("idx");
        spec.train = {images, labels};
        try {
            buildDataset(spec, 1);
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QCOMPARE(e.message(), QStringLiteral("dataset: class '1' has no training samples"));
        }
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString cacheDir_;
};

QTEST_GUILESS_MAIN(TestDataPipeline)
#include "tst_datapipeline.moc"
