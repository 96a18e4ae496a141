// The sweep search space: each parameter kind and transform, conditionals, grid enumeration,
// seeded sampling and bad ranges.
#include "sweep/SearchSpace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace trainlab;

namespace {

SearchSpace parse(const char* json, QStringList* errorsOut = nullptr) {
    QStringList errors;
    const SearchSpace space = SearchSpace::fromJson(QJsonDocument::fromJson(json).object(),
                                                    QStringLiteral("sweep.space"), errors);
    if (errorsOut)
        *errorsOut = errors;
    else if (!errors.isEmpty())
        qWarning("%s", qPrintable(errors.join(QLatin1Char('\n'))));
    return space;
}

} // namespace

class TestSearchSpace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kindsDecodeWithTheirTransforms() {
        const SearchSpace space =
            parse(R"({"a": {"uniform": [-2, 2]}, "lr": {"log_uniform": [1e-4, 1e-1]},
            "width": {"int": [16, 128]}, "batch": {"choice": [64, 128, 256]}, "seed": {"fixed": 7}})");
        QCOMPARE(space.encodedDimensions(), 1 + 1 + 1 + 3);
        // Parameters are ordered by path: a, batch (3 one-hot columns), lr, seed (none), width.
        SweepPoint p = space.decode({0.5, 0.1, 0.9, 0.2, 0.5, 0.0});
        QCOMPARE(p.value(QStringLiteral("a")).toDouble(), 0.0);
        QVERIFY(std::abs(p.value(QStringLiteral("lr")).toDouble() - std::sqrt(1e-4 * 1e-1)) <
                1e-12); // log midpoint
        QCOMPARE(p.value(QStringLiteral("width")).toInt(), 16);
        QCOMPARE(p.value(QStringLiteral("batch")).toInt(), 128);
        QCOMPARE(p.value(QStringLiteral("seed")).toInt(), 7);
        p = space.decode({1.0, 0, 0, 1, 1.0, 1.0});
        QCOMPARE(p.value(QStringLiteral("width")).toInt(), 128);
        QVERIFY(std::abs(p.value(QStringLiteral("lr")).toDouble() - 0.1) < 1e-12);
        QCOMPARE(p.value(QStringLiteral("batch")).toInt(), 256);
        // encode inverts decode
        const auto unit = space.encode(p);
        QCOMPARE(space.decode(unit), p);
    }

    void logIntegersCoverEveryValue() {
        const SearchSpace space = parse(R"({"n": {"int": [1, 1000], "log": true}})");
        QSet<qint64> seen;
        for (int i = 0; i <= 2000; ++i)
            seen.insert(space.decode({double(i) / 2000}).value(QStringLiteral("n")).toInteger());
        QVERIFY(seen.contains(1) && seen.contains(1000));
        QVERIFY(seen.contains(2) && seen.contains(10));
        for (qint64 v : {1, 7, 99, 1000})
            QCOMPARE(space.decode(space.encode({{QStringLiteral("n"), v}}))
                         .value(QStringLiteral("n"))
                         .toInteger(),
                     v);
    }

    void conditionalsDropInactiveParameters() {
        const SearchSpace space = parse(R"({"training.optimizer.type": {"choice": ["sgd", "adam"]},
            "training.optimizer.momentum": {"uniform": [0.5, 0.99], "when": {"training.optimizer.type": "sgd"}}})");
        // Ordered by path: momentum, then the type's two one-hot columns.
        const SweepPoint sgd = space.decode({0.5, 1, 0});
        QCOMPARE(sgd.value(QStringLiteral("training.optimizer.type")).toString(),
                 QStringLiteral("sgd"));
        QVERIFY(sgd.contains(QStringLiteral("training.optimizer.momentum")));
        const SweepPoint adam = space.decode({0.5, 0, 1});
        QVERIFY(!adam.contains(QStringLiteral("training.optimizer.momentum")));
        // The grid does not repeat adam once per momentum value.
        const auto grid = space.grid(3, 1000);
        QVERIFY(grid);
        QCOMPARE(grid->size(), size_t(3 + 1));
    }

    void gridEnumeratesAndRefusesHugeGrids() {
        const SearchSpace space = parse(
            R"({"x": {"uniform": [0, 1]}, "k": {"int": [1, 3]}, "c": {"choice": ["a", "b"]}})");
        const auto grid = space.grid(5, 1000);
        QVERIFY(grid);
        QCOMPARE(grid->size(), size_t(5 * 3 * 2));
        QCOMPARE(grid->front().value(QStringLiteral("x")).toDouble(), 0.0);
        const SearchSpace big =
            parse(R"({"a": {"uniform": [0, 1]}, "b": {"uniform": [0, 1]}, "c": {"uniform": [0, 1]},
            "d": {"uniform": [0, 1]}, "e": {"uniform": [0, 1]}, "f": {"uniform": [0, 1]}, "g": {"uniform": [0, 1]}})");
        int64_t count = 0;
        QVERIFY(!big.grid(10, 100000, &count));
        QVERIFY(count > 100000);
    }

    void samplingIsSeeded() {
        const SearchSpace space =
            parse(R"({"x": {"uniform": [0, 1]}, "lr": {"log_uniform": [1e-5, 1]}})");
        QCOMPARE(space.sample(3), space.sample(3));
        QVERIFY(space.sample(3) != space.sample(4));
        // Log-uniform: about half the samples below the geometric midpoint 10^-2.5.
        int below = 0;
        for (uint64_t s = 0; s < 400; ++s)
            below += space.sample(s).value(QStringLiteral("lr")).toDouble() < std::pow(10, -2.5);
        QVERIFY2(below > 160 && below < 240, qPrintable(QString::number(below)));
    }

    void badRangesAreNamed() {
        QStringList errors;
        parse(R"({"a": {"uniform": [1, 1]}, "b": {"log_uniform": [0, 1]}, "c": {"int": [5, 2]},
                  "d": {"choice": []}, "e": {"uniform": [0, 1], "int": [0, 1]},
                  "f": {"uniform": [0, 1], "when": {"nope": 1}}, "g": {"normal": [0, 1]}})",
              &errors);
        const QStringList expected = {
            QStringLiteral("sweep.space.a.uniform: the range is empty or inverted: [1, 1]"),
            QStringLiteral("sweep.space.b.log_uniform: a log range must be above 0, got [0, 1]"),
            QStringLiteral("sweep.space.c.int: the range is empty or inverted: [5, 2]"),
            QStringLiteral("sweep.space.d.choice: must be a non-empty list, got an array"),
            QStringLiteral(
                "sweep.space.e: give exactly one of uniform, log_uniform, int, choice, fixed"),
            QStringLiteral("sweep.space.f.when: 'nope' is not a parameter of this space"),
            QStringLiteral("sweep.space.g.normal: unknown key"),
        };
        for (const QString& e : expected)
            QVERIFY2(errors.contains(e), qPrintable(e + QStringLiteral("\n--- got:\n") +
                                                    errors.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestSearchSpace)
#include "tst_searchspace.moc"
