// The scrambled Sobol sequence behind random search and the initial designs: the first 2^m
// points stratify every axis and every pair of the first axes, points are pure functions of
// (seed, index), different seeds scramble differently, and dimensions past the direction table
// still give uniform values.
#include "sweep/SobolSequence.h"

#include <QtTest>
#include <set>

using namespace trainlab;

class TestSobolSequence : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstPowerOfTwoPointsStratifyEachAxis() {
        // A (0, m, 1)-net per axis: of the first 64 points, exactly one in each 1/64 slice.
        const SobolSequence sobol(12, 17);
        for (int dim = 0; dim < 12; ++dim) {
            std::set<int> slices;
            for (uint64_t i = 0; i < 64; ++i) {
                const double u = sobol.point(i)[size_t(dim)];
                QVERIFY(u > 0.0 && u < 1.0);
                slices.insert(int(u * 64));
            }
            QCOMPARE(int(slices.size()), 64);
        }
    }

    void firstTwoAxesFormANet() {
        // Sobol's first two axes are a (0, 2)-sequence, and Owen scrambling keeps that: the
        // first 2^m points put exactly one point in every box of area 2^-m, whatever its shape.
        const SobolSequence sobol(2, 5);
        constexpr int m = 8;
        std::vector<std::vector<double>> points;
        for (uint64_t i = 0; i < (1U << m); ++i)
            points.push_back(sobol.point(i));
        for (int k = 0; k <= m; ++k) {
            const int columns = 1 << k;
            const int rows = 1 << (m - k);
            std::set<int> boxes;
            for (const auto& p : points)
                boxes.insert(int(p[0] * columns) * rows + int(p[1] * rows));
            QCOMPARE(int(boxes.size()), 1 << m);
        }
    }

    void pointsArePureFunctionsOfSeedAndIndex() {
        const SobolSequence a(5, 99);
        const SobolSequence b(5, 99);
        const SobolSequence other(5, 100);
        QCOMPARE(a.point(37), b.point(37));
        QVERIFY(a.point(37) != other.point(37));
        // Asking for point 37 first or after others makes no difference.
        std::vector<double> late;
        for (uint64_t i = 0; i <= 37; ++i)
            late = b.point(i);
        QCOMPARE(a.point(37), late);
        // The scramble reaches the first point too (plain Sobol starts at the origin).
        for (double u : a.point(0))
            QVERIFY(u > 0.0);
    }

    void dimensionsBeyondTheTableAreUniform() {
        const int d = SobolSequence::tableDimensions() + 3;
        const SobolSequence sobol(d, 3);
        double sum = 0;
        for (uint64_t i = 0; i < 2000; ++i) {
            const double u = sobol.point(i)[size_t(d - 1)];
            QVERIFY(u > 0.0 && u < 1.0);
            sum += u;
        }
        QVERIFY(std::abs(sum / 2000 - 0.5) < 0.03);
    }
};

QTEST_GUILESS_MAIN(TestSobolSequence)
#include "tst_sobolsequence.moc"
