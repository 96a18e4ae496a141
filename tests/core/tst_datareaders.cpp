// Every data source on small fixtures written here (and the real Fashion-MNIST when
// installed), and every bad-input case with the file and position it names.
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/CsvReader.h"
#include "data/FileBytes.h"
#include "data/IdxReader.h"
#include "data/ImageReaders.h"

#include <QElapsedTimer>
#include <QtTest>
#include <sys/stat.h>

using namespace trainlab;

namespace {

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.message();
    }
    return {};
}

// Generous under sanitizers; measured release figures are in the commit message.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 kFastMs = 5000;
#else
constexpr qint64 kFastMs = 1000;
#endif

CsvSpec csvSpec(const QString& label = {}) {
    CsvSpec spec;
    spec.label = label;
    return spec;
}

} // namespace

class TestDataReaders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { dir_ = std::make_unique<QTemporaryDir>(); }

    void idxPlainAndGzipGiveTheSameTensor() {
        const QByteArray idx = test::idxBytes({3, 2, 4});
        const QString plain = dir_->filePath(QStringLiteral("a.idx"));
        const QString gz = dir_->filePath(QStringLiteral("a.idx.gz"));
        test::writeFile(plain, idx);
        test::writeFile(gz, test::gzipBytes(idx));
        const auto a = readIdxFile(plain);
        const auto b = readIdxFile(gz);
        QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{3, 2, 4}));
        QCOMPARE(a.scalar_type(), torch::kUInt8);
        QVERIFY(torch::equal(a, b));
        QCOMPARE(a.flatten()[5].item<int>(), (5 * 7 + 3) % 256);
    }

    void idxMultiByteValuesAreBigEndian() {
        QByteArray idx;
        idx.append(char(0)).append(char(0)).append(char(0x0C)).append(char(1));
        idx.append(QByteArray::fromHex("00000002"));
        idx.append(QByteArray::fromHex("0000010000000002"));
        const auto t = parseIdx(idx, QStringLiteral("ints"));
        QCOMPARE(t.scalar_type(), torch::kInt32);
        QCOMPARE(t[0].item<int>(), 256);
        QCOMPARE(t[1].item<int>(), 2);
    }

    void idxErrorsNameFileAndOffset() {
        QByteArray wrongMagic = test::idxBytes({4});
        wrongMagic[0] = char(0x12);
        QVERIFY(errorOf([&] { parseIdx(wrongMagic, QStringLiteral("m.idx")); })
                    .startsWith(
                        QStringLiteral("m.idx: not an IDX file (magic bytes 0x1200 at offset 0")));
        QByteArray badType = test::idxBytes({4});
        badType[2] = char(0x42);
        QCOMPARE(errorOf([&] { parseIdx(badType, QStringLiteral("t.idx")); }),
                 QStringLiteral("t.idx: unknown IDX element type 0x42 at byte 2"));
        const QByteArray cut = test::idxBytes({10, 10}).left(50);
        QVERIFY(errorOf([&] {
                    parseIdx(cut, QStringLiteral("c.idx"));
                }).contains(QStringLiteral("c.idx: IDX dimension 1")));
        QByteArray longer = test::idxBytes({4});
        longer.append("xx");
        QVERIFY(errorOf([&] {
                    parseIdx(longer, QStringLiteral("l.idx"));
                }).contains(QStringLiteral("needs 4 bytes")));
    }

    void corruptAndTruncatedGzipAreNamed() {
        QByteArray gz = test::gzipBytes(test::idxBytes({100, 10}));
        const QString truncated = dir_->filePath(QStringLiteral("t.gz"));
        test::writeFile(truncated, gz.left(gz.size() / 2));
        QVERIFY2(errorOf([&] {
                     readFileBytes(truncated);
                 }).startsWith(truncated + QStringLiteral(": truncated gzip")),
                 qPrintable(errorOf([&] { readFileBytes(truncated); })));
        for (qsizetype i = 12; i < gz.size() - 8; ++i)
            gz[i] = char(gz[i] ^ 0x5a);
        const QString corrupt = dir_->filePath(QStringLiteral("c.gz"));
        test::writeFile(corrupt, gz);
        QVERIFY2(errorOf([&] {
                     readFileBytes(corrupt);
                 }).startsWith(corrupt + QStringLiteral(": corrupt gzip data near byte")),
                 qPrintable(errorOf([&] { readFileBytes(corrupt); })));
    }

    // Issue 10: a gzip bomb used to inflate without bound and end in a bad_alloc naming no file.
    void idxGzipBombStopsAtTheDeclaredSize() {
        const QByteArray idx = test::idxBytes({10, 28, 28});
        QByteArray bomb = test::gzipBytes(idx);
        const QByteArray zeros = test::gzipBytes(QByteArray(1 << 20, '\0'));
        for (int i = 0; i < 1024; ++i) // 1 GiB more than the header declares
            bomb += zeros;
        const QString path = dir_->filePath(QStringLiteral("bomb.idx.gz"));
        test::writeFile(path, bomb);
        QElapsedTimer timer;
        timer.start();
        const QString error = errorOf([&] { readIdxFile(path); });
        QCOMPARE(error, QStringLiteral("%1: gzip data inflates to more than the 7856 bytes the "
                                       "IDX header declares (16-byte header + shape [10, 28, 28] "
                                       "of unsigned byte); stopped there: the file is corrupt or "
                                       "a decompression bomb")
                            .arg(path));
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        // The honest file of the same shape still reads.
        test::writeFile(path, test::gzipBytes(idx));
        QCOMPARE(readIdxFile(path).numel(), 7840);
    }

    void idxHeaderDeclaringMoreThanCouldExistIsRefused() {
        // 60000 x 28 x 28 bytes declared by a file whose gzip data cannot inflate to that much.
        QByteArray header = test::idxBytes({1, 28, 28});
        header[4 + 2] = char(0xea); // dimension 0: 0x0000ea01 = 59905
        const QString gz = dir_->filePath(QStringLiteral("lying.idx.gz"));
        test::writeFile(gz, test::gzipBytes(header));
        const QString lying = errorOf([&] { readIdxFile(gz); });
        QVERIFY2(lying.startsWith(gz + QStringLiteral(": IDX dimension ")) &&
                     lying.contains(QStringLiteral("of gzip data can inflate to")),
                 qPrintable(lying));
        // Dimensions whose product overflows 64 bits, plain and compressed.
        const QByteArray overflow =
            QByteArray::fromHex("00000803ffffffffffffffffffffffff") + QByteArray(64, '\0');
        const QString plain = dir_->filePath(QStringLiteral("overflow.idx"));
        test::writeFile(plain, overflow);
        QVERIFY(errorOf([&] {
                    readIdxFile(plain);
                }).startsWith(plain + QStringLiteral(": IDX dimension 0 (4294967295")));
        test::writeFile(gz, test::gzipBytes(overflow));
        QVERIFY(errorOf([&] {
                    readIdxFile(gz);
                }).startsWith(gz + QStringLiteral(": IDX dimension 0 (4294967295")));
    }

    void gzipStopsAtTheCap() {
        const QString path = dir_->filePath(QStringLiteral("zeros.csv.gz"));
        QByteArray bomb;
        const QByteArray zeros = test::gzipBytes(QByteArray(1 << 20, '\0'));
        for (int i = 0; i < 64; ++i)
            bomb += zeros;
        test::writeFile(path, bomb);
        QVERIFY(errorOf([&] {
                    readFileBytes(path, qsizetype(1) << 20);
                }).startsWith(path + QStringLiteral(": gzip data inflates to more than 1 MiB")));
        QCOMPARE(readFileBytes(path, qsizetype(64) << 20).size(), qsizetype(64) << 20);
        QVERIFY(
            errorOf([&] {
                readFileBytes(path, 1000);
            }).contains(QStringLiteral("KiB is more than the 1000 bytes limit for a data file")));
    }

    void dataPathsThatAreNotFilesAreNamed() {
        QCOMPARE(errorOf([&] { readFileBytes(dir_->path()); }),
                 dir_->path() + QStringLiteral(": is a directory, not a file"));
        QCOMPARE(errorOf([&] { readFileBytes(QStringLiteral("/dev/zero")); }),
                 QStringLiteral("/dev/zero: is a character device, not a regular file"));
        const QString fifo = dir_->filePath(QStringLiteral("fifo.csv"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        QCOMPARE(errorOf([&] { readCsv(fifo, csvSpec()); }),
                 fifo + QStringLiteral(": is a FIFO (named pipe), not a regular file"));
        const QString none = dir_->filePath(QStringLiteral("none.csv"));
        QCOMPARE(errorOf([&] { readCsv(none, csvSpec()); }),
                 none + QStringLiteral(": no such file"));
        QCOMPARE(errorOf([&] { readCifar10(QStringLiteral("/dev/zero")); }),
                 QStringLiteral("/dev/zero: is a character device, not a folder"));
        QCOMPARE(errorOf([&] { readImageFolder(fifo, ImageSpec()); }),
                 fifo + QStringLiteral(": is a FIFO (named pipe), not a folder"));
    }

    // Issue 10: a million-column CSV took 20 s and 2.9 GB before failing.
    void csvMillionColumnsFailFast() {
        QByteArray wide;
        for (int c = 0; c < 1'000'000; ++c)
            wide += "1,";
        wide += "label\n";
        wide += wide;
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(errorOf([&] { parseCsv(wide, QStringLiteral("wide.csv"), csvSpec()); }),
                 QStringLiteral("wide.csv:1: more than 100000 columns (the limit for a CSV file; "
                                "is the delimiter ',' right?)"));
        QVERIFY2(timer.elapsed() < kFastMs, qPrintable(QString::number(timer.elapsed())));
        // At the limit still reads.
        QByteArray limit;
        for (int c = 0; c < kMaxCsvColumns - 1; ++c)
            limit += "1,";
        limit += "x\n" + limit + "y\n" + limit + "x\n";
        QCOMPARE(parseCsv(limit, QStringLiteral("limit.csv"), csvSpec()).train.features.size(1),
                 kMaxCsvColumns - 1);
    }

    void csvOverlongLineAndBinaryFailFast() {
        QByteArray text = "a,label\n1,x\n2,y\n";
        text += QByteArray(kMaxCsvLineBytes + 1, 'z');
        text += "\n3,x\n";
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(errorOf([&] { parseCsv(text, QStringLiteral("long.csv"), csvSpec()); }),
                 QStringLiteral("long.csv:4: line is longer than 16 MiB (the limit for a CSV "
                                "line; is this a CSV file?)"));
        QVERIFY2(timer.elapsed() < kFastMs, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(errorOf([&] {
                     parseCsv(QByteArray("a,b\n1,\0\n", 8), QStringLiteral("nul.csv"), csvSpec());
                 }),
                 QStringLiteral("nul.csv: NUL byte at byte 6: binary data, not CSV text"));
        // A ragged row is named as soon as it is read.
        QByteArray ragged = "a,b,label\n";
        for (int i = 0; i < 1000; ++i)
            ragged += "1,2,x\n3,4,y\n";
        ragged += "5,6\n";
        QCOMPARE(errorOf([&] { parseCsv(ragged, QStringLiteral("r.csv"), csvSpec()); }),
                 QStringLiteral("r.csv:2002: 2 fields, expected 3 (as on line 1)"));
        // A UTF-8 byte order mark is not part of the first column's name.
        const SourceData bom =
            parseCsv("\xef\xbb\xbf"
                     "a,label\n1,x\n2,y\n",
                     QStringLiteral("bom.csv"), csvSpec(QStringLiteral("label")));
        QCOMPARE(bom.featureNames, QStringList{QStringLiteral("a")});
    }

    void idxDatasetChecksCounts() {
        const QString images = dir_->filePath(QStringLiteral("img.idx"));
        const QString labels = dir_->filePath(QStringLiteral("lab.idx"));
        test::writeFile(images, test::idxBytes({5, 4, 4}));
        test::writeFile(labels, test::idxBytes({4}, 0x08, [](size_t i) { return uchar(i % 2); }));
        QCOMPARE(errorOf([&] {
                     readIdxDataset({images, labels}, {});
                 }),
                 QStringLiteral("%1 has 5 images but %2 has 4 labels").arg(images, labels));
        test::writeFile(labels, test::idxBytes({5}, 0x08, [](size_t i) { return uchar(i % 3); }));
        const SourceData data = readIdxDataset({images, labels}, {});
        QCOMPARE(data.train.features.sizes().vec(), (std::vector<int64_t>{5, 1, 4, 4}));
        QCOMPARE(data.classNames.size(), 3);
        QVERIFY(data.images);
        QVERIFY(!data.test);
    }

    void fashionMnistFromDebianPackage() {
        if (!QFileInfo::exists(QString::fromLatin1(kFashionMnistDir)))
            QSKIP("dataset-fashion-mnist is not installed");
        const SourceData data = readFashionMnist({});
        QCOMPARE(data.train.size(), 60000);
        QVERIFY(data.test);
        QCOMPARE(data.test->size(), 10000);
        QCOMPARE(data.train.features.sizes().vec(), (std::vector<int64_t>{60000, 1, 28, 28}));
        QCOMPARE(data.classNames.size(), 10);
        QCOMPARE(data.train.targets[0].item<int64_t>(), 9); // the first image is an ankle boot
        QCOMPARE(torch::bincount(data.train.targets).min().item<int64_t>(), 6000);
    }

    void csvWithHeaderCategoriesAndMissingValues() {
        const QByteArray csv = "age,city,income,label\n"
                               "31,paris,1.5,yes\n"
                               "NA,berlin,2.5,no\n"
                               "45,\"paris\",,yes\n"
                               "29,,3.0,no\n";
        const SourceData data =
            parseCsv(csv, QStringLiteral("people.csv"), csvSpec(QStringLiteral("label")));
        QCOMPARE(data.task, TaskKind::Classification);
        QCOMPARE(data.classNames, (QStringList{QStringLiteral("no"), QStringLiteral("yes")}));
        QCOMPARE(data.featureNames,
                 (QStringList{QStringLiteral("age"), QStringLiteral("city=(missing)"),
                              QStringLiteral("city=berlin"), QStringLiteral("city=paris"),
                              QStringLiteral("income")}));
        QCOMPARE(data.train.features.sizes().vec(), (std::vector<int64_t>{4, 5}));
        QVERIFY(std::isnan(data.train.features[1][0].item<float>())); // NA in a numeric column
        QVERIFY(std::isnan(data.train.features[2][4].item<float>())); // empty in a numeric column
        QCOMPARE(data.train.features[3][1].item<float>(), 1.0F);      // missing category
        QCOMPARE(data.train.features[0][3].item<float>(), 1.0F);      // paris
        QCOMPARE(data.train.targets[0].item<int64_t>(), 1);
        QCOMPARE(data.numericFeature, (std::vector<bool>{true, false, false, false, true}));
    }

    void csvWithoutHeaderTabsAndRegression() {
        QByteArray tsv;
        for (int i = 0; i < 80; ++i)
            tsv += QByteArray::number(i) + "\t" + QByteArray::number(i * 0.5 + 0.25) + "\n";
        const SourceData data = parseCsv(tsv, QStringLiteral("values.tsv"), csvSpec());
        QCOMPARE(data.task, TaskKind::Regression);
        QCOMPARE(data.train.size(), 80);
        QCOMPARE(data.featureNames, QStringList{QStringLiteral("column0")});
        QCOMPARE(data.train.targets[2].item<float>(), 1.25F);
        CsvSpec byIndex = csvSpec(QStringLiteral("0"));
        byIndex.task = QStringLiteral("regression");
        QCOMPARE(
            parseCsv(tsv, QStringLiteral("values.tsv"), byIndex).train.targets[3].item<float>(),
            3.0F);
    }

    void csvBadInputNamesLineAndColumn() {
        const QString name = QStringLiteral("bad.csv");
        QCOMPARE(errorOf([&] { parseCsv("a,b,c\n1,2,3\n4,5\n", name, csvSpec()); }),
                 QStringLiteral("bad.csv:3: 2 fields, expected 3 (as on line 1)"));
        QByteArray typo = "x,y\n";
        for (int i = 0; i < 20; ++i)
            typo += QByteArray::number(i) + "," + QByteArray::number(i % 2) + "\n";
        typo += "12a,1\n";
        QCOMPARE(errorOf([&] { parseCsv(typo, name, csvSpec()); }),
                 QStringLiteral("bad.csv:22: column 'x': '12a' is not a number (the rest of the "
                                "column is numeric)"));
        QCOMPARE(errorOf([&] { parseCsv("a,b\n1,2\n", name, csvSpec(QStringLiteral("label"))); }),
                 QStringLiteral("dataset.csv.label: no column 'label' in bad.csv (columns: a, b)"));
        QCOMPARE(errorOf([&] { parseCsv("a,b\n1,x\n2,\n", name, csvSpec()); }),
                 QStringLiteral("bad.csv:3: missing label in column 'b'"));
        QCOMPARE(errorOf([&] { parseCsv("a,b\n1,\"x\n", name, csvSpec()); }),
                 QStringLiteral("bad.csv:2: a quoted field is never closed"));
        QCOMPARE(
            errorOf([&] { parseCsv("a,b\n1,x\n2,x\n", name, csvSpec()); }),
            QStringLiteral(
                "bad.csv: column 'b' has a single class ('x'); classification needs at least two"));
        QVERIFY(errorOf([&] {
                    parseCsv(QByteArray("\xff\xfe\x00\x01", 4), name, csvSpec());
                }).contains(QStringLiteral("not UTF-8")));
    }

    void csvQuotedFieldsKeepDelimiters() {
        const auto rows = splitCsvRows(QStringLiteral("a,\"b, c\",\"say \"\"hi\"\"\"\n1,2,3\n"),
                                       QLatin1Char(','), QStringLiteral("q"));
        QCOMPARE(rows.size(), size_t(2));
        QCOMPARE(rows[0], (QStringList{QStringLiteral("a"), QStringLiteral("b, c"),
                                       QStringLiteral("say \"hi\"")}));
    }

    void imageFolderDecodesAndResizes() {
        const QString root = dir_->filePath(QStringLiteral("images"));
        test::writeImageFolder(root, {QStringLiteral("cats"), QStringLiteral("dogs")}, 3);
        ImageSpec spec;
        spec.height = 8;
        spec.width = 6;
        spec.channels = 3;
        const SourceData data = readImageFolder(root, spec);
        QCOMPARE(data.classNames, (QStringList{QStringLiteral("cats"), QStringLiteral("dogs")}));
        QCOMPARE(data.train.features.sizes().vec(), (std::vector<int64_t>{6, 3, 8, 6}));
        QCOMPARE(data.train.features[0][0][4][3].item<int>(), 40);
        QCOMPARE(data.train.features[5][2][0][0].item<int>(), 120);
        QCOMPARE(data.train.targets[5].item<int64_t>(), 1);
        spec.channels = 1;
        QCOMPARE(readImageFolder(root, spec).train.features.size(1), 1);
    }

    void imageFolderErrors() {
        const QString root = dir_->filePath(QStringLiteral("images"));
        test::writeImageFolder(root, {QStringLiteral("a"), QStringLiteral("b")}, 2);
        test::writeFile(root + QStringLiteral("/b/broken.png"), "not a png at all");
        QVERIFY(
            errorOf([&] {
                readImageFolder(root, ImageSpec());
            }).startsWith(QStringLiteral("%1/b/broken.png: cannot decode this image (").arg(root)));
        QFile::remove(root + QStringLiteral("/b/broken.png"));
        // Strict: an empty file or a name that is not a file fails the load, never skipped.
        test::writeFile(root + QStringLiteral("/a/empty.jpg"), {});
        QCOMPARE(errorOf([&] { readImageFolder(root, ImageSpec()); }),
                 QStringLiteral("%1/a/empty.jpg: empty file (0 bytes), not an image").arg(root));
        QFile::remove(root + QStringLiteral("/a/empty.jpg"));
        QDir().mkpath(root + QStringLiteral("/a/folder.png"));
        QCOMPARE(errorOf([&] { readImageFolder(root, ImageSpec()); }),
                 QStringLiteral("%1/a/folder.png: is a directory, not a file").arg(root));
        QDir().rmdir(root + QStringLiteral("/a/folder.png"));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), root + QStringLiteral("/b/zero.png")));
        QCOMPARE(
            errorOf([&] { readImageFolder(root, ImageSpec()); }),
            QStringLiteral("%1/b/zero.png: is a character device, not a regular file").arg(root));
        QFile::remove(root + QStringLiteral("/b/zero.png"));
        QDir().mkpath(root + QStringLiteral("/c"));
        QCOMPARE(errorOf([&] { readImageFolder(root, ImageSpec()); }),
                 QStringLiteral("%1/c: class folder has no images (png, jpg, bmp, gif, pgm, ppm)")
                     .arg(root));
        QCOMPARE(
            errorOf([&] { readImageFolder(dir_->filePath(QStringLiteral("none")), ImageSpec()); }),
            QStringLiteral("%1: no such folder").arg(dir_->filePath(QStringLiteral("none"))));
    }

    void cifarBatchesAndErrors() {
        const QString root = dir_->path();
        test::writeFile(root + QStringLiteral("/data_batch_1.bin"), test::cifarBytes(12));
        test::writeFile(root + QStringLiteral("/data_batch_2.bin"), test::cifarBytes(8));
        test::writeFile(root + QStringLiteral("/test_batch.bin"), test::cifarBytes(5));
        // A missing batch used to end the training set silently; now it is named.
        QCOMPARE(errorOf([&] { readCifar10(root); }),
                 QStringLiteral("%1/data_batch_3.bin: missing (a CIFAR-10 folder holds the binary "
                                "batches data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, "
                                "data_batch_4.bin, data_batch_5.bin, test_batch.bin)")
                     .arg(root));
        for (int b = 3; b <= 5; ++b)
            test::writeFile(root + QStringLiteral("/data_batch_%1.bin").arg(b),
                            test::cifarBytes(1));
        QFile::remove(root + QStringLiteral("/test_batch.bin"));
        QVERIFY(errorOf([&] {
                    readCifar10(root);
                }).startsWith(root + QStringLiteral("/test_batch.bin: missing")));
        test::writeFile(root + QStringLiteral("/test_batch.bin"), test::cifarBytes(5));
        const SourceData data = readCifar10(root);
        QCOMPARE(data.train.size(), 23);
        QCOMPARE(data.test->size(), 5);
        QCOMPARE(data.train.features.sizes().vec(), (std::vector<int64_t>{23, 3, 32, 32}));
        QCOMPARE(data.train.targets[11].item<int64_t>(), 1);
        QCOMPARE(data.train.features[1][0][0][1].item<int>(), 2);
        QCOMPARE(data.classNames.first(), QStringLiteral("airplane"));

        QByteArray badLabel = test::cifarBytes(3);
        badLabel[3073 * 2] = char(12);
        QCOMPARE(
            errorOf([&] { parseCifarBatch(badLabel, QStringLiteral("b.bin")); }),
            QStringLiteral("b.bin: record 2 (byte 6146) has label 12; CIFAR-10 labels are 0-9"));
        QVERIFY(
            errorOf([&] {
                parseCifarBatch(test::cifarBytes(3).left(5000), QStringLiteral("s.bin"));
            }).startsWith(QStringLiteral("s.bin: 5000 bytes is not a whole number of 3073-byte")));
        QVERIFY(errorOf([&] {
                    readCifar10(dir_->filePath(QStringLiteral("x")));
                }).contains(QStringLiteral("no such folder")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
};

QTEST_GUILESS_MAIN(TestDataReaders)
#include "tst_datareaders.moc"
