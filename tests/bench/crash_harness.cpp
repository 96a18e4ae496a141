// The crash-safety harness at length: kills trainlab-cli with SIGKILL at random moments of a
// run and of a sweep, ROUNDS times each, and checks every time that the workspace passes
// PRAGMA integrity_check, holds no duplicate metric row or trial number, and resumes to exactly
// the rows of an uninterrupted run (see tests/common/CrashHarness.h). Prints N/ROUNDS per kind.
//
//   build/release/tests/bench/crash_harness [ROUNDS=20] [SEED=1] [EPOCHS=10]
#include "../common/CrashHarness.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <cstdio>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int rounds = args.size() > 1 ? args[1].toInt() : 20;
    const auto seed = quint32(args.size() > 2 ? args[2].toUInt() : 1u);
    const int epochs = args.size() > 3 ? args[3].toInt() : 10;
    QTemporaryDir dir;
    trainlab::test::CrashHarness harness(dir.path(), QStringLiteral(TRAINLAB_CLI_PATH), seed,
                                         epochs);
    if (!harness.prepare()) {
        std::fprintf(stderr, "reference failed: %s\n", qPrintable(harness.problem()));
        return 2;
    }
    std::printf("seed %u, %d epochs; uninterrupted run %lld ms, sweep %lld ms\n", seed, epochs,
                harness.referenceRunMs(), harness.referenceSweepMs());
    int passed[2] = {0, 0};
    int killedMidway[2] = {0, 0};
    for (int kind = 0; kind < 2; ++kind) {
        for (int round = 1; round <= rounds; ++round) {
            const bool ok = kind == 0 ? harness.runRound(round) : harness.sweepRound(round);
            passed[kind] += ok ? 1 : 0;
            killedMidway[kind] += harness.lastKill().startsWith(QLatin1String("killed")) ? 1 : 0;
            std::printf("%s round %2d: %-30s %s\n", kind == 0 ? "run  " : "sweep", round,
                        qPrintable(harness.lastKill()),
                        ok ? "ok" : qPrintable(QStringLiteral("FAILED: ") + harness.problem()));
            std::fflush(stdout);
        }
    }
    std::printf("run:   %d/%d passed (%d killed mid-run)\nsweep: %d/%d passed (%d killed "
                "mid-sweep)\n",
                passed[0], rounds, killedMidway[0], passed[1], rounds, killedMidway[1]);
    return passed[0] == rounds && passed[1] == rounds ? 0 : 1;
}
