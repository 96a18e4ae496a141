// HugePageBuffer: a block of doubles, 2 MiB-aligned when large so Linux can back it with
// huge pages, and moved rather than copied.
#include "util/HugePageBuffer.h"

#include <QtTest>
#include <cstdint>
#include <utility>

using namespace trainlab;

class TestHugePageBuffer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void holdsWhatIsWritten() {
        for (const std::size_t count : {std::size_t(1), std::size_t(1000), std::size_t(3) << 20}) {
            HugePageBuffer buffer(count);
            QCOMPARE(buffer.size(), count);
            QVERIFY(buffer.data() != nullptr);
            for (std::size_t i = 0; i < count; ++i)
                buffer.data()[i] = double(i);
            QCOMPARE(buffer.data()[count - 1], double(count - 1));
        }
        HugePageBuffer empty(0);
        QCOMPARE(empty.size(), std::size_t(0));
    }

    void largeBlocksStartOnAHugePage() {
#if defined(__linux__)
        HugePageBuffer buffer(std::size_t(1) << 20); // 8 MiB
        QCOMPARE(reinterpret_cast<std::uintptr_t>(buffer.data()) % (std::uintptr_t(2) << 20),
                 std::uintptr_t(0));
#else
        QSKIP("huge pages are asked for on Linux only");
#endif
    }

    void movesItsBlock() {
        HugePageBuffer a(5000);
        a.data()[4999] = 7;
        const double* block = a.data();
        HugePageBuffer b(std::move(a));
        QCOMPARE(b.data(), block);
        QCOMPARE(b.data()[4999], 7.0);
        QCOMPARE(a.size(), std::size_t(0));
        QVERIFY(a.data() == nullptr);
        HugePageBuffer c(10);
        c = std::move(b);
        QCOMPARE(c.data(), block);
        QCOMPARE(c.size(), std::size_t(5000));
    }

    void refusesWhatCannotBeAllocated() {
        QVERIFY_THROWS_EXCEPTION(std::bad_alloc, HugePageBuffer(std::size_t(-1) / 4));
    }
};

QTEST_GUILESS_MAIN(TestHugePageBuffer)
#include "tst_hugepagebuffer.moc"
