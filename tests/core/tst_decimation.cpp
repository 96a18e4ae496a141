// Per-pixel-column decimation (util/Decimation): what is kept draws exactly what the whole
// series draws. Each test works the expected columns out from the input alone and compares.
#include "util/Decimation.h"

#include <QtTest>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace trainlab;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Series {
    std::vector<double> x;
    std::vector<double> y;
};

/// What a column shows: its finite extremes and whether it breaks the line.
struct Column {
    double low = kInf;
    double high = -kInf;
    bool finite = false;
    bool broken = false;

    bool operator==(const Column& other) const {
        return low == other.low && high == other.high && finite == other.finite &&
               broken == other.broken;
    }
};

/// The per-column envelope of the points `indices` of `s` that lie in the range.
std::map<int, Column> envelope(const Series& s, const std::vector<qsizetype>& indices,
                               const PixelColumns& columns) {
    std::map<int, Column> result;
    for (const qsizetype i : indices) {
        const double x = s.x[size_t(i)];
        if (x < columns.xLower || x > columns.xUpper)
            continue;
        Column& c = result[columns.columnOf(x)];
        const double y = s.y[size_t(i)];
        if (!std::isfinite(y)) {
            c.broken = true;
            continue;
        }
        c.finite = true;
        c.low = std::min(c.low, y);
        c.high = std::max(c.high, y);
    }
    return result;
}

std::vector<qsizetype> allIndices(const Series& s) {
    std::vector<qsizetype> all(s.x.size());
    std::iota(all.begin(), all.end(), 0);
    return all;
}

std::vector<qsizetype> decimated(const Series& s, const PixelColumns& columns) {
    std::vector<qsizetype> keep;
    decimate(s.x, s.y, columns, keep);
    return keep;
}

/// A noisy random walk with occasional spikes, at steps `stride` apart (some repeated).
Series randomWalk(int n, unsigned seed, double stride = 1.0) {
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0, 1);
    std::uniform_int_distribution<int> percent(0, 99);
    Series s;
    double value = 0;
    double x = 0;
    for (int i = 0; i < n; ++i) {
        value += noise(random);
        const int roll = percent(random);
        s.y.push_back(roll == 0 ? value + 50 : roll == 1 ? value - 50 : value);
        s.x.push_back(x);
        if (roll != 2) // a repeated x now and then, as a step logged twice
            x += stride;
    }
    return s;
}

/// Column c's first and last input index among `visible`.
std::map<int, std::pair<qsizetype, qsizetype>> columnBounds(const Series& s,
                                                            const PixelColumns& columns) {
    std::map<int, std::pair<qsizetype, qsizetype>> bounds;
    for (qsizetype i = 0; i < qsizetype(s.x.size()); ++i) {
        const double x = s.x[size_t(i)];
        if (x < columns.xLower || x > columns.xUpper)
            continue;
        const int c = columns.columnOf(x);
        auto it = bounds.find(c);
        if (it == bounds.end())
            bounds[c] = {i, i};
        else
            it->second.second = i;
    }
    return bounds;
}

bool contains(const std::vector<qsizetype>& keep, qsizetype index) {
    return std::binary_search(keep.begin(), keep.end(), index);
}

} // namespace

class TestDecimation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void envelopeEqualsTheInputs_data() {
        QTest::addColumn<int>("points");
        QTest::addColumn<double>("lower");
        QTest::addColumn<double>("upper");
        QTest::addColumn<int>("width");
        QTest::newRow("all, 640 px") << 100000 << 0.0 << 100000.0 << 640;
        QTest::newRow("all, 1 px") << 5000 << 0.0 << 5000.0 << 1;
        QTest::newRow("zoomed in") << 100000 << 31234.5 << 31934.5 << 300;
        QTest::newRow("fewer points than pixels") << 200 << 10.0 << 150.0 << 900;
        QTest::newRow("range past the data") << 3000 << -500.0 << 9000.0 << 777;
        QTest::newRow("odd width, fractional range") << 20000 << 0.3 << 12345.6 << 97;
    }
    void envelopeEqualsTheInputs() {
        QFETCH(int, points);
        QFETCH(double, lower);
        QFETCH(double, upper);
        QFETCH(int, width);
        const Series s = randomWalk(points, unsigned(points + width));
        const PixelColumns columns{lower, upper, width};
        const std::vector<qsizetype> keep = decimated(s, columns);
        QVERIFY(std::is_sorted(keep.begin(), keep.end()));
        QVERIFY(std::adjacent_find(keep.begin(), keep.end()) == keep.end());
        const auto expected = envelope(s, allIndices(s), columns);
        QVERIFY(!expected.empty());
        QVERIFY(envelope(s, keep, columns) == expected);
        // Four points a column at most, plus the two neighbours outside the range.
        QVERIFY(keep.size() <= 4 * expected.size() + 2);
    }

    void keepsEachColumnsFirstAndLast() {
        const Series s = randomWalk(50000, 7);
        const PixelColumns columns{1000.5, 40000.25, 333};
        const std::vector<qsizetype> keep = decimated(s, columns);
        const auto bounds = columnBounds(s, columns);
        for (const auto& [column, range] : bounds) {
            QVERIFY2(contains(keep, range.first), qPrintable(QString::number(column)));
            QVERIFY2(contains(keep, range.second), qPrintable(QString::number(column)));
        }
        // The neighbours outside the range, so lines reach the plot's edges.
        const qsizetype before = bounds.begin()->second.first - 1;
        const qsizetype after = bounds.rbegin()->second.second + 1;
        QCOMPARE(keep.front(), before);
        QCOMPARE(keep.back(), after);
        QVERIFY(s.x[size_t(before)] < columns.xLower);
        QVERIFY(s.x[size_t(after)] > columns.xUpper);
    }

    void keepsSpikesOneStepWide() {
        Series s;
        for (int i = 0; i < 100000; ++i) {
            s.x.push_back(i);
            s.y.push_back(1.0);
        }
        s.y[54321] = 1000;
        s.y[54322] = -1000; // the neighbour too: both extremes in one column
        s.y[99] = 7;
        const std::vector<qsizetype> keep = decimated(s, {0, 99999, 200});
        for (const qsizetype spike : {54321, 54322, 99})
            QVERIFY2(contains(keep, spike), qPrintable(QString::number(spike)));
        QVERIFY(keep.size() <= 4 * 200);
    }

    void handlesNonFiniteValues() {
        // As the plots do: a NaN breaks the line, so each column that has one keeps one; an
        // infinity is no value to scale to, so it never becomes a column's min or max.
        Series s;
        for (int i = 0; i < 1000; ++i) {
            s.x.push_back(i);
            s.y.push_back(std::sin(i * 0.1));
        }
        s.y[0] = kNaN;   // the first of its column: the old bucketing lost the column's extremes
        s.y[5] = 3.0;    // that column's max
        s.y[500] = kInf; // amid finite values
        s.y[501] = 9.0;
        s.y[777] = -kInf;
        for (int i = 900; i < 1000; ++i) // a diverged tail: nothing but NaN
            s.y[size_t(i)] = kNaN;
        const PixelColumns columns{0, 999, 10};
        const std::vector<qsizetype> keep = decimated(s, columns);
        QVERIFY(envelope(s, keep, columns) == envelope(s, allIndices(s), columns));
        for (const qsizetype index : {0, 5, 500, 501, 777, 900, 999})
            QVERIFY2(contains(keep, index), qPrintable(QString::number(index)));
        // The all-NaN column keeps its first and last only.
        const auto inLast =
            std::count_if(keep.begin(), keep.end(), [](qsizetype i) { return i >= 900; });
        QCOMPARE(inLast, 2);
    }

    void emptyAndOnePointSeries() {
        QVERIFY(decimated(Series{}, {0, 10, 100}).empty());
        const Series one{{5.0}, {2.5}};
        QCOMPARE(decimated(one, {0, 10, 100}), std::vector<qsizetype>{0});
        // Outside the range it is still the neighbour a line would run to.
        QCOMPARE(decimated(one, {6, 10, 100}), std::vector<qsizetype>{0});
        QCOMPARE(decimated(one, {0, 4, 100}), std::vector<qsizetype>{0});
        // A zero-width range (a single step zoomed onto) is one column.
        QCOMPARE(decimated(one, {5, 5, 100}), std::vector<qsizetype>{0});
        const Series nanOne{{5.0}, {kNaN}};
        QCOMPARE(decimated(nanOne, {0, 10, 100}), std::vector<qsizetype>{0});
    }

    void oddRanges() {
        const Series s = randomWalk(1000, 3);
        // Reversed bounds mean the same range.
        QCOMPARE(decimated(s, {800, 100, 50}), decimated(s, {100, 800, 50}));
        // A NaN bound is no range at all.
        QVERIFY(decimated(s, {kNaN, 100, 50}).empty());
        // No width is one pixel.
        QCOMPARE(decimated(s, {0, 1000, 0}), decimated(s, {0, 1000, 1}));
    }

    void columnsCoverTheRange() {
        const PixelColumns columns{10, 20, 10};
        QCOMPARE(columns.columnOf(10), 0);
        QCOMPARE(columns.columnOf(10.999), 0);
        QCOMPARE(columns.columnOf(11), 1);
        QCOMPARE(columns.columnOf(19.999), 9);
        QCOMPARE(columns.columnOf(20), 9); // the upper bound belongs to the last column
        QCOMPARE((PixelColumns{3, 3, 10}.columnOf(3)), 0);
    }

    void picksTheFirstOfEqualExtremes_data() {
        QTest::addColumn<int>("width");
        // Columns of 2,000, ~60, 20, 17 and 9 points: packed loops with and without tails,
        // and the plain one.
        QTest::newRow("10 px") << 10;
        QTest::newRow("333 px") << 333;
        QTest::newRow("1000 px") << 1000;
        QTest::newRow("1177 px") << 1177;
        QTest::newRow("2222 px") << 2222;
    }
    void picksTheFirstOfEqualExtremes() {
        // Coarse values (many ties), NaN and infinities: each column keeps its first point,
        // the first of its smallest and of its largest finite values, its first non-finite
        // one and its last point, exactly what a reading from left to right picks.
        QFETCH(int, width);
        std::mt19937 random(11);
        std::uniform_int_distribution<int> coarse(0, 40);
        Series s;
        for (int i = 0; i < 20000; ++i) {
            const int roll = coarse(random);
            s.x.push_back(i);
            s.y.push_back(roll == 0   ? kNaN
                          : roll == 1 ? kInf
                          : roll == 2 ? -kInf
                          : roll == 3 ? -0.0
                                      : double(roll % 7));
        }
        for (int i = 3000; i < 3100; ++i)
            s.y[size_t(i)] = kNaN; // whole columns without a finite value
        const PixelColumns columns{0, 19999, width};
        std::vector<qsizetype> expected;
        for (const auto& [column, bounds] : columnBounds(s, columns)) {
            const auto [first, last] = bounds;
            std::set<qsizetype> picked = {first, last};
            if (last - first < 4) {
                for (qsizetype i = first; i <= last; ++i)
                    picked.insert(i);
            } else {
                qsizetype lowest = -1;
                qsizetype highest = -1;
                qsizetype nonFinite = -1;
                for (qsizetype i = first; i <= last; ++i) {
                    const double y = s.y[size_t(i)];
                    if (!std::isfinite(y)) {
                        if (nonFinite < 0)
                            nonFinite = i;
                        continue;
                    }
                    if (lowest < 0 || y < s.y[size_t(lowest)])
                        lowest = i;
                    if (highest < 0 || y > s.y[size_t(highest)])
                        highest = i;
                }
                for (const qsizetype i : {lowest, highest, nonFinite})
                    if (i >= 0)
                        picked.insert(i);
            }
            expected.insert(expected.end(), picked.begin(), picked.end());
        }
        QCOMPARE(decimated(s, columns), expected);
    }

    void appendsToWhatIsThere() {
        // The caller may reuse one vector for many series: decimate only appends.
        const Series s = randomWalk(100, 1);
        std::vector<qsizetype> keep = {-7};
        decimate(s.x, s.y, {0, 100, 10}, keep);
        QCOMPARE(keep.front(), qsizetype(-7));
        QVERIFY(keep.size() > 1);
    }
};

QTEST_GUILESS_MAIN(TestDecimation)
#include "tst_decimation.moc"
