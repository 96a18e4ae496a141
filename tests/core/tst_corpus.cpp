// Hostile input: every malformed spec and data file under tests/corpus/ (see generate.py there),
// plus cases made here at run time (a gzip bomb, a million-column CSV, an over-long line,
// devices, FIFOs, links, folders where files belong), goes through the spec loader or its reader
// in-process. Each must end in an InputError whose message names the file at fault (and, for
// specs, the JSON path), within kCaseLimitMs. A handful then go through trainlab-cli itself:
// exit code 2 and one line on stderr naming the file.
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "base/Errors.h"
#include "data/CsvReader.h"
#include "data/IdxReader.h"
#include "data/ImageReaders.h"
#include "spec/SpecJson.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace trainlab;

namespace {

constexpr qint64 kCaseLimitMs = 5000;

/// One hostile input: which reader takes it, where it is, which path the error must name and
/// what else the message must say.
struct Case {
    QString reader; ///< spec, idx, csv, cifar or images
    QString path;
    QString fault;
    QString fragment;
};

QString corpusPath(const QString& relative) {
    return test::sourcePath(QStringLiteral("tests/corpus/") + relative);
}

// Rows of a tab-separated manifest, comments and blank lines skipped.
QList<QStringList> readManifest(const QString& path) {
    QList<QStringList> rows;
    const QString text = QString::fromUtf8(test::readFile(path));
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (!line.isEmpty() && !line.startsWith(QLatin1Char('#')))
            rows << line.split(QLatin1Char('\t'));
    }
    return rows;
}

void readWith(const QString& reader, const QString& path) {
    if (reader == QLatin1String("spec"))
        loadSpecFile(path);
    else if (reader == QLatin1String("idx"))
        readIdxFile(path);
    else if (reader == QLatin1String("csv"))
        readCsv(path, CsvSpec());
    else if (reader == QLatin1String("cifar"))
        readCifar10(path);
    else if (reader == QLatin1String("images"))
        readImageFolder(path, ImageSpec());
    else
        qFatal("unknown reader %s", qPrintable(reader));
}

// Runs one case and checks the outcome; QVERIFY inside, so call it straight from a test slot.
void expectInputError(const Case& c) {
    QElapsedTimer timer;
    timer.start();
    QString message;
    bool inputError = false;
    try {
        readWith(c.reader, c.path);
    } catch (const InputError& e) {
        inputError = true;
        message = e.message();
    } catch (const std::exception& e) {
        message = QStringLiteral("%1: %2").arg(QLatin1String(typeid(e).name()),
                                               QString::fromLocal8Bit(e.what()));
    }
    const qint64 elapsedMs = timer.elapsed();
    QVERIFY2(inputError,
             qPrintable(QStringLiteral("expected an InputError for %1, got: %2")
                            .arg(c.path, message.isEmpty() ? QStringLiteral("success") : message)));
    QVERIFY2(message.contains(c.fault),
             qPrintable(QStringLiteral("does not name %1: %2").arg(c.fault, message)));
    QVERIFY2(message.contains(c.fragment),
             qPrintable(QStringLiteral("does not say '%1': %2").arg(c.fragment, message)));
    QVERIFY2(elapsedMs < kCaseLimitMs,
             qPrintable(QStringLiteral("took %1 ms: %2").arg(elapsedMs).arg(c.path)));
}

// gzip members may be concatenated: one header member, then `copies` copies of a member holding
// 1 MiB of zeros (about 1 KiB compressed). Inflates to `copies` MiB more than the header
// declares; writing it costs milliseconds.
QByteArray gzipBomb(const QByteArray& header, int copies) {
    QByteArray out = test::gzipBytes(header);
    const QByteArray zeros = test::gzipBytes(QByteArray(1 << 20, '\0'));
    out.reserve(out.size() + zeros.size() * copies);
    for (int i = 0; i < copies; ++i)
        out += zeros;
    return out;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        makeGeneratedCases();
    }

    void specCorpus_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        const auto rows = readManifest(corpusPath(QStringLiteral("specs/cases.tsv")));
        QVERIFY2(rows.size() >= 30, "the spec corpus should hold at least 30 cases");
        for (const QStringList& row : rows) {
            QVERIFY2(row.size() == 2, qPrintable(row.join(QLatin1Char('|'))));
            QTest::newRow(qPrintable(row[0])) << row[0] << row[1];
        }
    }

    void specCorpus() {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        const QString path = corpusPath(QStringLiteral("specs/") + file);
        expectInputError({QStringLiteral("spec"), path, path, fragment});
    }

    void dataCorpus_data() {
        QTest::addColumn<QString>("reader");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("fragment");
        const auto rows = readManifest(corpusPath(QStringLiteral("data/cases.tsv")));
        QVERIFY(rows.size() >= 30);
        for (const QStringList& row : rows) {
            QVERIFY2(row.size() == 4, qPrintable(row.join(QLatin1Char('|'))));
            QTest::newRow(qPrintable(row[1]))
                << row[0] << corpusPath(QStringLiteral("data/") + row[1])
                << corpusPath(QStringLiteral("data/") + row[2]) << row[3];
        }
    }

    void dataCorpus() {
        QFETCH(QString, reader);
        QFETCH(QString, path);
        QFETCH(QString, fault);
        QFETCH(QString, fragment);
        expectInputError({reader, path, fault, fragment});
    }

    void generatedCorpus_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < generated_.size(); ++i)
            QTest::newRow(qPrintable(generated_[i].first)) << int(i);
    }

    void generatedCorpus() {
        QFETCH(int, index);
        expectInputError(generated_[size_t(index)].second);
    }

    void unreadableFiles() {
        if (::geteuid() == 0)
            QSKIP("running as root: permissions do not stop reading");
        const QString spec = dir_.filePath(QStringLiteral("unreadable.json"));
        test::writeFile(spec, "{}");
        QFile::setPermissions(spec, QFileDevice::Permissions());
        expectInputError({QStringLiteral("spec"), spec, spec, QStringLiteral("permission denied")});
        const QString folder = dir_.filePath(QStringLiteral("locked"));
        QDir().mkpath(folder + QStringLiteral("/inner"));
        test::writeFile(folder + QStringLiteral("/inner/x.csv"), "a,b\n1,2\n");
        QFile::setPermissions(folder, QFileDevice::Permissions());
        const QString csv = folder + QStringLiteral("/inner/x.csv");
        expectInputError({QStringLiteral("csv"), csv, csv, QStringLiteral("permission denied")});
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ExeOwner);
    }

    // The same inputs through the real CLI: what a user or a script sees.
    void cli_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("fragment");
        const QString validate = QStringLiteral("validate");
        const QString inspect = QStringLiteral("data inspect");
        const QString zero = QStringLiteral("/dev/zero");
        QTest::newRow("validate /dev/zero")
            << validate << zero << zero
            << QStringLiteral("is a character device, not a regular file");
        QTest::newRow("validate a folder")
            << validate << dir_.path() << dir_.path() << QStringLiteral("is a directory");
        QTest::newRow("validate a FIFO") << validate << fifo_ << fifo_ << QStringLiteral("FIFO");
        for (const char* file : {"empty.json", "truncated.json", "binary-junk.json"}) {
            const QString path = corpusPath(QStringLiteral("specs/") + QLatin1String(file));
            QTest::newRow(qPrintable(QStringLiteral("validate ") + QLatin1String(file)))
                << validate << path << path << QString();
        }
        for (const auto& [name, c] : cliData_)
            QTest::newRow(qPrintable(QStringLiteral("data inspect ") + name))
                << inspect << dataSpec(name, c) << c.fault << c.fragment;
    }

    void cli() {
        QFETCH(QString, command);
        QFETCH(QString, spec);
        QFETCH(QString, fault);
        QFETCH(QString, fragment);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAINLAB_CACHE_DIR"), dir_.filePath(QStringLiteral("cache")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TRAINLAB_CLI_PATH), command.split(QLatin1Char(' ')) << spec);
        QVERIFY2(process.waitForFinished(120000), "trainlab-cli did not finish in 120 s");
        const QString err = QString::fromUtf8(process.readAllStandardError()).trimmed();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 2,
                 qPrintable(QStringLiteral("exit %1: %2").arg(process.exitCode()).arg(err)));
        QVERIFY2(!err.contains(QLatin1Char('\n')),
                 qPrintable(QStringLiteral("not one line: ") + err));
        QVERIFY2(err.startsWith(QStringLiteral("trainlab-cli: ")), qPrintable(err));
        QVERIFY2(err.contains(fault),
                 qPrintable(QStringLiteral("does not name %1: %2").arg(fault, err)));
        QVERIFY2(err.contains(fragment),
                 qPrintable(QStringLiteral("does not say '%1': %2").arg(fragment, err)));
    }

private:
    void add(const QString& name, const QString& reader, const QString& path, const QString& fault,
             const QString& fragment) {
        generated_.emplace_back(name, Case{reader, path, fault, fragment});
    }

    QString file(const QString& name, const QByteArray& bytes) {
        const QString path = dir_.filePath(name);
        QDir().mkpath(QFileInfo(path).path());
        test::writeFile(path, bytes);
        return path;
    }

    // A spec whose dataset is the case's data, for `data inspect`.
    QString dataSpec(const QString& name, const Case& c) {
        QJsonObject dataset;
        if (c.reader == QLatin1String("idx")) {
            dataset = {{QStringLiteral("source"), QStringLiteral("idx")},
                       {QStringLiteral("train"), QJsonObject{{QStringLiteral("images"), c.path},
                                                             {QStringLiteral("labels"), c.path}}}};
        } else {
            const QString source = c.reader == QLatin1String("images")
                                       ? QStringLiteral("image_folder")
                                   : c.reader == QLatin1String("cifar") ? QStringLiteral("cifar10")
                                                                        : c.reader;
            dataset = {{QStringLiteral("source"), source}, {QStringLiteral("path"), c.path}};
        }
        const QJsonObject spec{{QStringLiteral("trainlab"), 1},
                               {QStringLiteral("name"), name},
                               {QStringLiteral("dataset"), dataset},
                               {QStringLiteral("model"),
                                QJsonObject{{QStringLiteral("preset"), QStringLiteral("mlp")}}}};
        QString safe = name;
        safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]")), QStringLiteral("-"));
        return file(QStringLiteral("specs/%1.json").arg(safe), QJsonDocument(spec).toJson());
    }

    void makeGeneratedCases() {
        const QString idx = QStringLiteral("idx");
        const QString csv = QStringLiteral("csv");
        const QString spec = QStringLiteral("spec");

        // Files that are not files: a folder, a device, a FIFO, links to nowhere and to a device.
        const QString folder = dir_.filePath(QStringLiteral("a-folder.idx"));
        QDir().mkpath(folder);
        fifo_ = dir_.filePath(QStringLiteral("fifo.json"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo_).constData(), 0600) == 0);
        const QString dangling = dir_.filePath(QStringLiteral("dangling.json"));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("nowhere")), dangling));
        const QString toDevice = dir_.filePath(QStringLiteral("zero.csv"));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), toDevice));
        const QString missing = dir_.filePath(QStringLiteral("missing.idx"));
        const QString underFile = file(QStringLiteral("plain.txt"), "x") + QStringLiteral("/x.csv");
        for (const QString& reader : {spec, idx, csv}) {
            add(reader + QStringLiteral(" /dev/zero"), reader, QStringLiteral("/dev/zero"),
                QStringLiteral("/dev/zero"),
                QStringLiteral("is a character device, not a regular file"));
            add(reader + QStringLiteral(" folder"), reader, folder, folder,
                QStringLiteral("is a directory, not a file"));
            add(reader + QStringLiteral(" FIFO"), reader, fifo_, fifo_,
                QStringLiteral("is a FIFO (named pipe), not a regular file"));
            add(reader + QStringLiteral(" dangling link"), reader, dangling, dangling,
                QStringLiteral("is a symbolic link to"));
            add(reader + QStringLiteral(" link to a device"), reader, toDevice, toDevice,
                QStringLiteral("is a character device"));
            add(reader + QStringLiteral(" missing"), reader, missing, missing,
                QStringLiteral("no such file"));
            add(reader + QStringLiteral(" under a file"), reader, underFile, underFile,
                QStringLiteral("a part of the path is not a folder"));
        }
        const QString bigSpec =
            file(QStringLiteral("big.json"), "{" + QByteArray(17 << 20, ' ') + "}");
        add(QStringLiteral("spec over 16 MiB"), spec, bigSpec, bigSpec,
            QStringLiteral("17 MiB is more than the 16 MiB limit for a spec file"));

        // IDX: a gzip bomb, and gzip headers declaring more than the data could ever hold.
        const QByteArray header = test::idxBytes({10, 28, 28});
        const QString bomb = file(QStringLiteral("bomb.idx.gz"), gzipBomb(header, 4096));
        add(QStringLiteral("idx gzip bomb (4 GiB)"), idx, bomb, bomb,
            QStringLiteral(
                "gzip data inflates to more than the 7856 bytes the IDX header declares"));
        // Header only: [100000, 100000] bytes. 2,200 members of about 1 KiB can inflate to more
        // than 2 GiB, so the limit that refuses it is the data file cap.
        const QByteArray huge = QByteArray::fromHex("00000802000186a0000186a0");
        const QString hugeGz = file(QStringLiteral("huge.idx.gz"), gzipBomb(huge, 2200));
        add(QStringLiteral("idx gzip declares 10 GB"), idx, hugeGz, hugeGz,
            QStringLiteral("is larger than the 2 GiB limit for a data file"));
        cliData_.emplace_back(QStringLiteral("idx gzip bomb"),
                              Case{idx, bomb, bomb, QStringLiteral("gzip data inflates to more")});

        // CSV: a million columns, a 17 MiB line.
        QByteArray wide;
        for (int c = 0; c < 1'000'000; ++c)
            wide += (c ? ",c" : "c") + QByteArray::number(c);
        wide += '\n';
        for (int r = 0; r < 3; ++r) {
            QByteArray row(2'000'000 - 1, ',');
            for (int c = 0; c < 1'000'000; ++c)
                row[2 * c] = char('0' + (c + r) % 10);
            wide += row + '\n';
        }
        const QString wideCsv = file(QStringLiteral("million-columns.csv"), wide);
        add(QStringLiteral("csv million columns"), csv, wideCsv, wideCsv + QStringLiteral(":1"),
            QStringLiteral("more than 100000 columns"));
        cliData_.emplace_back(QStringLiteral("csv million columns"),
                              Case{csv, wideCsv, wideCsv + QStringLiteral(":1"),
                                   QStringLiteral("more than 100000 columns")});
        const QString longCsv = file(QStringLiteral("long-line.csv"),
                                     "a,label\n1,x\n" + QByteArray(17 << 20, 'y') + "\n2,z\n");
        add(QStringLiteral("csv 17 MiB line"), csv, longCsv, longCsv + QStringLiteral(":3"),
            QStringLiteral("line is longer than 16 MiB"));
        cliData_.emplace_back(QStringLiteral("csv /dev/zero"),
                              Case{csv, QStringLiteral("/dev/zero"), QStringLiteral("/dev/zero"),
                                   QStringLiteral("is a character device")});

        // CIFAR-10: a missing batch, a missing test batch, a cut, an empty and a folder batch.
        const auto cifar = [&](const QString& name, const QStringList& skip) {
            const QString root = dir_.filePath(QStringLiteral("cifar/") + name);
            QDir().mkpath(root);
            for (const char* batch : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                      "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
                if (!skip.contains(QLatin1String(batch)))
                    test::writeFile(root + QLatin1Char('/') + QLatin1String(batch),
                                    test::cifarBytes(2));
            }
            return root;
        };
        const QString cifarMissing =
            cifar(QStringLiteral("missing-batch"), {QStringLiteral("data_batch_3.bin")});
        add(QStringLiteral("cifar missing batch"), QStringLiteral("cifar"), cifarMissing,
            cifarMissing + QStringLiteral("/data_batch_3.bin"),
            QStringLiteral("missing (a CIFAR-10 folder holds the binary batches data_batch_1.bin, "
                           "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, "
                           "data_batch_5.bin, test_batch.bin)"));
        cliData_.emplace_back(QStringLiteral("cifar missing batch"),
                              Case{QStringLiteral("cifar"), cifarMissing,
                                   cifarMissing + QStringLiteral("/data_batch_3.bin"),
                                   QStringLiteral("missing (a CIFAR-10 folder holds")});
        const QString cifarNoTest =
            cifar(QStringLiteral("missing-test"), {QStringLiteral("test_batch.bin")});
        add(QStringLiteral("cifar missing test batch"), QStringLiteral("cifar"), cifarNoTest,
            cifarNoTest + QStringLiteral("/test_batch.bin"), QStringLiteral("missing"));
        const QString cifarShort = cifar(QStringLiteral("short-batch"), {});
        test::writeFile(cifarShort + QStringLiteral("/data_batch_2.bin"),
                        test::cifarBytes(2).left(4000));
        add(QStringLiteral("cifar short batch"), QStringLiteral("cifar"), cifarShort,
            cifarShort + QStringLiteral("/data_batch_2.bin"),
            QStringLiteral("4000 bytes is not a whole number of 3073-byte CIFAR-10 records"));
        const QString cifarEmpty = cifar(QStringLiteral("empty-batch"), {});
        test::writeFile(cifarEmpty + QStringLiteral("/data_batch_4.bin"), {});
        add(QStringLiteral("cifar empty batch"), QStringLiteral("cifar"), cifarEmpty,
            cifarEmpty + QStringLiteral("/data_batch_4.bin"), QStringLiteral("empty file"));
        const QString cifarFolder =
            cifar(QStringLiteral("folder-batch"), {QStringLiteral("data_batch_5.bin")});
        QDir().mkpath(cifarFolder + QStringLiteral("/data_batch_5.bin"));
        add(QStringLiteral("cifar batch is a folder"), QStringLiteral("cifar"), cifarFolder,
            cifarFolder + QStringLiteral("/data_batch_5.bin"),
            QStringLiteral("is a directory, not a file"));
        const QString cifarNone = dir_.filePath(QStringLiteral("cifar/none"));
        add(QStringLiteral("cifar no folder"), QStringLiteral("cifar"), cifarNone, cifarNone,
            QStringLiteral("no such folder"));

        // Image folders: names of images that are not files, an empty class folder.
        const auto images = [&](const QString& name) {
            const QString root = dir_.filePath(QStringLiteral("images/") + name);
            test::writeImageFolder(root, {QStringLiteral("cats"), QStringLiteral("dogs")}, 2);
            return root;
        };
        const QString folderImage = images(QStringLiteral("folder-named-png"));
        QDir().mkpath(folderImage + QStringLiteral("/dogs/sub.png"));
        add(QStringLiteral("image name is a folder"), QStringLiteral("images"), folderImage,
            folderImage + QStringLiteral("/dogs/sub.png"), QStringLiteral("is a directory"));
        const QString deviceImage = images(QStringLiteral("device-named-png"));
        QVERIFY(
            QFile::link(QStringLiteral("/dev/zero"), deviceImage + QStringLiteral("/cats/z.png")));
        add(QStringLiteral("image is a device"), QStringLiteral("images"), deviceImage,
            deviceImage + QStringLiteral("/cats/z.png"), QStringLiteral("is a character device"));
        const QString danglingImage = images(QStringLiteral("dangling-png"));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("nowhere.png")),
                            danglingImage + QStringLiteral("/cats/gone.png")));
        add(QStringLiteral("image is a dangling link"), QStringLiteral("images"), danglingImage,
            danglingImage + QStringLiteral("/cats/gone.png"), QStringLiteral("symbolic link"));
        const QString emptyClass = images(QStringLiteral("empty-class"));
        QDir().mkpath(emptyClass + QStringLiteral("/emus"));
        add(QStringLiteral("empty class folder"), QStringLiteral("images"), emptyClass,
            emptyClass + QStringLiteral("/emus"), QStringLiteral("class folder has no images"));
        const QString corrupt = corpusPath(QStringLiteral("data/images/corrupt-image"));
        cliData_.emplace_back(QStringLiteral("corrupt image"),
                              Case{QStringLiteral("images"), corrupt,
                                   corrupt + QStringLiteral("/dogs/1.png"),
                                   QStringLiteral("cannot decode this image")});
    }

    QTemporaryDir dir_;
    QString fifo_;
    std::vector<std::pair<QString, Case>> generated_;
    std::vector<std::pair<QString, Case>> cliData_;
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
