// Random mutations of small valid IDX, CSV and CIFAR-10 files: every case ends in a dataset
// or a clear InputError, never a crash, a hang or another exception.
#include "../common/DataFixtures.h"

#include "base/Errors.h"
#include "data/CsvReader.h"
#include "data/FileBytes.h"
#include "data/IdxReader.h"
#include "data/ImageReaders.h"

#include <QtTest>
#include <random>

using namespace trainlab;

namespace {

QByteArray mutate(const QByteArray& input, std::mt19937& rng) {
    QByteArray out = input;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
        switch (rng() % 5) {
        case 0: // flip a byte
            if (!out.isEmpty())
                out[qsizetype(rng() % out.size())] = char(rng() % 256);
            break;
        case 1: // truncate
            out.truncate(qsizetype(rng() % (out.size() + 1)));
            break;
        case 2: // insert random bytes
            out.insert(qsizetype(rng() % (out.size() + 1)),
                       QByteArray(int(rng() % 8) + 1, char(rng() % 256)));
            break;
        case 3: // delete a range
            if (!out.isEmpty())
                out.remove(qsizetype(rng() % out.size()), qsizetype(rng() % 16));
            break;
        default: // set a header byte to an extreme
            if (out.size() > 8)
                out[qsizetype(rng() % 8)] = char(rng() % 2 ? 0xff : 0x00);
            break;
        }
    }
    return out;
}

template <typename Parse>
int fuzz(const QByteArray& seed, int iterations, unsigned rngSeed, Parse parse) {
    std::mt19937 rng(rngSeed);
    int errors = 0;
    for (int i = 0; i < iterations; ++i) {
        const QByteArray input = mutate(seed, rng);
        try {
            parse(input);
        } catch (const InputError& e) {
            ++errors;
            if (e.message().isEmpty())
                qFatal("empty error message");
        } catch (const std::exception& e) {
            qFatal("iteration %d: unexpected %s: %s", i, typeid(e).name(), e.what());
        }
    }
    return errors;
}

} // namespace

class TestDataFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idxMutations() {
        const QByteArray idx = test::idxBytes({6, 5, 4});
        const int errors =
            fuzz(idx, 3000, 1, [](const QByteArray& b) { parseIdx(b, QStringLiteral("f.idx")); });
        QVERIFY(errors > 1000); // most mutations must be caught
    }

    void gzipIdxMutations() {
        const QByteArray gz = test::gzipBytes(test::idxBytes({6, 5, 4}));
        fuzz(gz, 2000, 2, [](const QByteArray& b) {
            parseIdx(b.size() >= 2 && uchar(b[0]) == 0x1f && uchar(b[1]) == 0x8b
                         ? gunzip(b, QStringLiteral("f.gz"))
                         : b,
                     QStringLiteral("f.gz"));
        });
    }

    void csvMutations() {
        QByteArray csv = "a,b,colour,label\n";
        for (int i = 0; i < 12; ++i)
            csv += QByteArray::number(i) + "," + QByteArray::number(i * 0.5) + "," +
                   (i % 3 ? "red" : "\"blue, dark\"") + "," + (i % 2 ? "x" : "y") + "\n";
        const int errors = fuzz(csv, 3000, 3, [](const QByteArray& b) {
            CsvSpec spec;
            parseCsv(b, QStringLiteral("f.csv"), spec);
        });
        // Both outcomes occur: many mutations still parse, many are refused.
        QVERIFY2(errors > 100 && errors < 2900, qPrintable(QString::number(errors)));
    }

    void cifarMutations() {
        const QByteArray cifar = test::cifarBytes(3);
        fuzz(cifar, 600, 4,
             [](const QByteArray& b) { parseCifarBatch(b, QStringLiteral("f.bin")); });
    }
};

QTEST_GUILESS_MAIN(TestDataFuzz)
#include "tst_datafuzz.moc"
