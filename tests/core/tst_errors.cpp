// Which exit code a failure earns (README, "The command line"): the kind of each exception,
// LibTorch's out-of-memory errors included, and the one line a spec's problems are told in.
#include "base/Errors.h"
#include "base/OutOfMemory.h"

#include <QtTest>
#include <new>
#include <stdexcept>

using namespace trainlab;

class TestErrors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kindsOfFailure() {
        QCOMPARE(failureKindOf(InputError(QStringLiteral("a.json: no such file"))),
                 FailureKind::BadInput);
        QCOMPARE(failureKindOf(EnvironmentError(QStringLiteral("a.db: the disk is full"))),
                 FailureKind::Environment);
        QCOMPARE(failureKindOf(RunError(QStringLiteral("training diverged"))),
                 FailureKind::Runtime);
        QCOMPARE(failureKindOf(std::runtime_error("anything else")), FailureKind::Runtime);
    }

    void runningOutOfMemoryIsTheEnvironment() {
        QVERIFY(isOutOfMemory(std::bad_alloc()));
        // The texts LibTorch 1.13's allocators throw (a c10::Error from the CPU allocator).
        const std::runtime_error cpu("DefaultCPUAllocator: can't allocate memory: you tried to "
                                     "allocate 17179869184 bytes. Error code 12 (Cannot allocate "
                                     "memory)\nException raised from ...");
        const std::runtime_error cuda("CUDA out of memory. Tried to allocate 2.00 GiB");
        QVERIFY(isOutOfMemory(cpu));
        QVERIFY(isOutOfMemory(cuda));
        QCOMPARE(failureKindOf(cpu), FailureKind::Environment);
        QCOMPARE(failureKindOf(cuda), FailureKind::Environment);
        QCOMPARE(failureKindOf(std::bad_alloc()), FailureKind::Environment);
        QVERIFY(!isOutOfMemory(std::runtime_error("shape mismatch")));
        QCOMPARE(firstLineOf(cpu), QStringLiteral("DefaultCPUAllocator: can't allocate memory: "
                                                  "you tried to allocate 17179869184 bytes. Error "
                                                  "code 12 (Cannot allocate memory)"));
    }

    void specProblemsInOneLine() {
        const SpecError one(QStringLiteral("a.json"),
                            {QStringLiteral("training.bogus: unknown key")});
        QCOMPARE(firstLineOf(one), QStringLiteral("a.json: training.bogus: unknown key"));
        const SpecError three(
            QStringLiteral("a.json"),
            {QStringLiteral("x: bad"), QStringLiteral("y: bad"), QStringLiteral("z: bad")});
        QCOMPARE(firstLineOf(three), QStringLiteral("a.json: x: bad (and 2 more problems; "
                                                    "trainlab-cli validate lists them all)"));
        QCOMPARE(three.message(), QStringLiteral("a.json:\n  x: bad\n  y: bad\n  z: bad"));
    }
};

QTEST_GUILESS_MAIN(TestErrors)
#include "tst_errors.moc"
