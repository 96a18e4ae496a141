// Crash safety: trainlab-cli is killed with SIGKILL at random moments of a run and of a sweep;
// each time the workspace passes PRAGMA integrity_check, holds no (run, name, step) metric row
// and no sweep trial number twice, and `resume` / `sweep --resume` ends with exactly the rows
// an uninterrupted run or sweep wrote. tests/bench/crash_harness does the same for longer.
#include "../common/CrashHarness.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace trainlab;

namespace {

constexpr int kRounds = 5;

// Random moments, but the same ones on every run of the test unless a seed is given.
quint32 harnessSeed() {
    bool ok = false;
    const uint seed = qEnvironmentVariableIntValue("TRAINLAB_CRASH_SEED", &ok);
    return ok ? quint32(seed) : 20240611u;
}

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        harness_ = std::make_unique<test::CrashHarness>(
            dir_.path(), QStringLiteral(TRAINLAB_CLI_PATH), harnessSeed(), 4);
        QVERIFY2(harness_->prepare(), qPrintable(harness_->problem()));
        qInfo("seed %u; uninterrupted run %lld ms, sweep %lld ms", harnessSeed(),
              harness_->referenceRunMs(), harness_->referenceSweepMs());
    }

    void killedRunResumesToTheSameRows() {
        for (int round = 1; round <= kRounds; ++round) {
            const bool ok = harness_->runRound(round);
            qInfo("run round %d: %s", round, qPrintable(harness_->lastKill()));
            QVERIFY2(ok, qPrintable(QStringLiteral("round %1 (%2): %3")
                                        .arg(round)
                                        .arg(harness_->lastKill(), harness_->problem())));
        }
    }

    void killedSweepResumesToTheSameTrials() {
        for (int round = 1; round <= kRounds; ++round) {
            const bool ok = harness_->sweepRound(round);
            qInfo("sweep round %d: %s", round, qPrintable(harness_->lastKill()));
            QVERIFY2(ok, qPrintable(QStringLiteral("round %1 (%2): %3")
                                        .arg(round)
                                        .arg(harness_->lastKill(), harness_->problem())));
        }
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<test::CrashHarness> harness_;
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
