// trainlab-cli is a front without LibTorch that answers the query verbs itself and execs
// trainlab-engine for the others (app/cli/FrontMain.cpp). These tests hold it to that: no
// LibTorch in its process, the engine in its place (same PID) for training verbs, and a clear
// message when the engine is missing.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace trainlab;
using test::CliResult;
using test::runCli;

namespace {

QString enginePath() {
    return QFileInfo(QStringLiteral(TRAINLAB_CLI_PATH))
        .dir()
        .filePath(QStringLiteral("trainlab-engine"));
}

/// The shared libraries `program` loads, as ldd lists them.
QByteArray loadedLibraries(const QString& program) {
    QProcess ldd;
    ldd.start(QStringLiteral("ldd"), {program});
    if (!ldd.waitForFinished(30000) || ldd.exitCode() != 0)
        qWarning("ldd %s failed", qPrintable(program));
    return ldd.readAllStandardOutput();
}

} // namespace

class CliFrontTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private Q_SLOTS:
    void frontLoadsNoLibTorchAndTheEngineDoes() {
        const QByteArray front = loadedLibraries(QStringLiteral(TRAINLAB_CLI_PATH));
        const QByteArray engine = loadedLibraries(enginePath());
        QVERIFY2(engine.contains("libtorch"), engine.constData());
        QVERIFY2(!front.contains("libtorch") && !front.contains("libc10"), front.constData());
        QVERIFY2(front.contains("libsqlite3"), front.constData());
    }

    void trainingVerbsRunInTheEngineUnderTheSamePid() {
        const QString db = dir_.filePath(QStringLiteral("pid.db"));
        QProcess process;
        process.start(QStringLiteral(TRAINLAB_CLI_PATH),
                      {QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db,
                       QStringLiteral("--set"), QStringLiteral("training.epochs=1")});
        QVERIFY(process.waitForStarted());
        // The front execs at once: within moments /proc/PID/exe is the engine, and QProcess's
        // child (the PID it will wait for) is still that process.
        const QString exe = QStringLiteral("/proc/%1/exe").arg(process.processId());
        QString image;
        for (int i = 0; i < 200 && process.state() == QProcess::Running; ++i) {
            image = QFileInfo(exe).canonicalFilePath();
            if (image.endsWith(QLatin1String("/trainlab-engine")))
                break;
            QTest::qWait(10);
        }
        QVERIFY2(image.endsWith(QLatin1String("/trainlab-engine")), qPrintable(image));
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const CliResult runs = runCli({QStringLiteral("runs"), QStringLiteral("--db"), db});
        QCOMPARE(runs.exitCode, 0);
        QVERIFY2(runs.out.contains("completed"), runs.out.constData());
    }

    void aMissingEngineIsNamedAndQueriesStillWork() {
        // trainlab-cli alone in a folder: the query verbs need nothing else, the others say
        // which engine they looked for and exit 3 (the environment's fault).
        const QString alone = dir_.filePath(QStringLiteral("alone"));
        QVERIFY(QDir().mkpath(alone));
        const QString cli = QDir(alone).filePath(QStringLiteral("trainlab-cli"));
        QVERIFY(QFile::copy(QStringLiteral(TRAINLAB_CLI_PATH), cli));
        const QString db = dir_.filePath(QStringLiteral("alone.db"));
        QProcess runs;
        runs.start(cli, {QStringLiteral("runs"), QStringLiteral("--db"), db});
        QVERIFY(runs.waitForFinished(30000));
        QCOMPARE(runs.exitCode(), 0);
        QProcess train;
        train.start(cli,
                    {QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"), db});
        QVERIFY(train.waitForFinished(30000));
        QCOMPARE(train.exitCode(), 3);
        const QByteArray err = train.readAllStandardError();
        QVERIFY2(err.contains("cannot start the training engine") &&
                     err.contains("alone/trainlab-engine"),
                 err.constData());
    }

    void helpAndUnknownVerbs() {
        const CliResult help = runCli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.startsWith("usage: trainlab-cli"));
        // An unknown verb goes to the engine, which names it: exit 2 either way.
        const CliResult unknown = runCli({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("unknown command 'frobnicate'"), unknown.err.constData());
    }
};

QTEST_GUILESS_MAIN(CliFrontTest)
#include "tst_clifront.moc"
