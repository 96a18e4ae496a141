// When the environment fails under a run, trainlab-cli says so: exit 3, one line naming the
// file at fault, no crash, and never `completed` with rows missing. The database locked by
// another process for longer than the writer retries; the disk filling up under a checkpoint or
// under the database (a small tmpfs: needs root, skipped with the reason otherwise).
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstring>
#include <sqlite3.h>
#include <sys/mount.h>

using namespace trainlab;
using test::CliResult;

namespace {

// The writer's wait for a lock, shortened through its documented variable (README,
// Reliability): 5 attempts of 0.2 s plus the backoff between them give up in about 4 s.
const QString kShortBusyWait = QStringLiteral("TRAINLAB_DB_BUSY_TIMEOUT_MS=200");

/// A tmpfs of `size` mounted at `path` while it lives.
class TmpfsMount {
public:
    TmpfsMount(const QString& path, const QByteArray& size)
        : path_(path) {
        QDir().mkpath(path);
        const QByteArray options = "size=" + size + ",mode=0755";
        if (::mount("tmpfs", path.toUtf8().constData(), "tmpfs", MS_NOSUID | MS_NODEV,
                    options.constData()) == 0)
            mounted_ = true;
        else
            error_ = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~TmpfsMount() {
        if (mounted_)
            ::umount2(path_.toUtf8().constData(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return mounted_; }
    const QString& error() const { return error_; }

private:
    QString path_;
    bool mounted_ = false;
    QString error_;
};

#define MOUNT_OR_SKIP(mount)                                                                       \
    if (!(mount).mounted())                                                                        \
    QSKIP(qPrintable(QStringLiteral("cannot mount a small tmpfs to fill (needs root or "           \
                                    "CAP_SYS_ADMIN): %1")                                          \
                         .arg((mount).error())))

// Writes to `path` until the file system says it is full.
void fillUp(const QString& path) {
    QFile filler(path);
    QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    const QByteArray block(4096, 'f');
    while (filler.write(block) == block.size()) {
    }
}

QString storedStatus(const QString& db, qint64 run) {
    const CliResult show = test::runCli({QStringLiteral("show"), QString::number(run),
                                         QStringLiteral("--db"), db, QStringLiteral("--json")});
    return test::parseJson(show.out).object().value(QStringLiteral("status")).toString();
}

QStringList longQuickstart(const QString& db) {
    return {QStringLiteral("run"),   test::quickstartSpec(),
            QStringLiteral("--db"),  db,
            QStringLiteral("--set"), QStringLiteral("training.epochs=100000")};
}

} // namespace

class TestCliEnvironment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("ws.db"));
    }

    void lockHeldLongerThanTheRetriesFailsTheRunLoudly() {
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(kShortBusyWait.section(QLatin1Char('='), 0, 0),
                   kShortBusyWait.section(QLatin1Char('='), 1));
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(TRAINLAB_CLI_PATH), longQuickstart(db_));
        QVERIFY(cli.waitForStarted());
        QByteArray err;
        QVERIFY(test::signalWhenSeen(cli, "epoch 2/", 0, &err));

        // Another process's transaction, held until the run has given up and exited.
        sqlite3* other = nullptr;
        QCOMPARE(sqlite3_open(db_.toUtf8().constData(), &other), SQLITE_OK);
        sqlite3_busy_timeout(other, 10000);
        QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        const bool ended = cli.waitForFinished(60000);
        sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(other);
        QVERIFY(ended);
        err += cli.readAllStandardError();

        const CliResult result{cli.exitCode(), cli.exitStatus() == QProcess::CrashExit,
                               cli.readAllStandardOutput(), err};
        TRAINLAB_VERIFY_CLI_FAILURE(result, 3, db_);
        QVERIFY2(err.contains("locked by another process"), err.constData());
        // It could not be stored while locked; opened again, its owner is gone: interrupted,
        // resumable, and above all not `completed`.
        QCOMPARE(storedStatus(db_, 1), QStringLiteral("interrupted"));
    }

    void checkpointOnAFullDiskExitsThree() {
        // The workspace's own folder (checkpoints) on a disk too small for one checkpoint.
        const TmpfsMount full(dir_->filePath(QStringLiteral("ws.trainlab")), "16k");
        MOUNT_OR_SKIP(full);
        const CliResult result =
            test::runCli({QStringLiteral("run"), test::quickstartSpec(), QStringLiteral("--db"),
                          db_, QStringLiteral("--set"), QStringLiteral("training.epochs=2")});
        TRAINLAB_VERIFY_CLI_FAILURE(result, 3, dir_->filePath(QStringLiteral("ws.trainlab/")));
        QVERIFY2(result.err.contains("cannot write the checkpoint: No space left on device"),
                 result.err.constData());
        QCOMPARE(storedStatus(db_, 1), QStringLiteral("failed"));
    }

    void databaseOnAFullDiskExitsThree() {
        // The database on a small disk that fills up mid-run; checkpoints on a roomy one.
        const QString folder = dir_->filePath(QStringLiteral("small"));
        const TmpfsMount small(folder, "2m");
        MOUNT_OR_SKIP(small);
        const TmpfsMount roomy(folder + QStringLiteral("/ws.trainlab"), "64m");
        MOUNT_OR_SKIP(roomy);
        const QString db = folder + QStringLiteral("/ws.db");
        QProcess cli;
        cli.start(QStringLiteral(TRAINLAB_CLI_PATH), longQuickstart(db));
        QVERIFY(cli.waitForStarted());
        QByteArray err;
        QVERIFY(test::signalWhenSeen(cli, "epoch 2/", 0, &err));
        fillUp(folder + QStringLiteral("/filler"));
        QVERIFY(cli.waitForFinished(120000));
        err += cli.readAllStandardError();
        const CliResult result{cli.exitCode(), cli.exitStatus() == QProcess::CrashExit,
                               cli.readAllStandardOutput(), err};
        TRAINLAB_VERIFY_CLI_FAILURE(result, 3, db);
        QVERIFY2(err.contains("the disk is full"), err.constData());
        QFile::remove(folder + QStringLiteral("/filler"));
        QVERIFY(storedStatus(db, 1) != QLatin1String("completed"));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCliEnvironment)
#include "tst_clienvironment.moc"
