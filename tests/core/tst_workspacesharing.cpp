// Two processes on one workspace, while one of them opens and closes the database file through
// a second descriptor (as a file dialog sniffing its type does). POSIX advisory locks belong to
// the process, so that close silently drops SQLite's locks; the other process then believes it
// is the last connection, checkpoints and deletes the WAL, and without a defence the first
// process goes on writing into a deleted file (DESIGN.md, Storage). Every row of both processes
// must survive and the file must stay intact.
#include "store/StoreWriter.h"
#include "store/sql/Database.h"
#include "store/sql/RunQueries.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fcntl.h>
#include <unistd.h>

using namespace trainlab;

namespace {

constexpr int kRowsPerRun = 40;

/// Creates a run named `name` with kRowsPerRun metric rows through `writer`, waits until stored.
qint64 writeRun(StoreWriter& writer, const QString& name) {
    const qint64 id = writer.createRun({name, QStringLiteral("{}"), {}, 0, 0}).id;
    for (int step = 0; step < kRowsPerRun; ++step)
        writer.appendMetric({id, step, 0, QStringLiteral("loss"), 1.0 / (step + 1), 0});
    writer.flush();
    return id;
}

/// Process B: opens the workspace, writes one run, exits (closing its connection last).
int childMain(const QString& path, const QString& name) {
    StoreWriter writer(path);
    writeRun(writer, name);
    return 0;
}

/// What a file dialog does to decide a file's type: open, read a little, close.
void sniffThroughAnotherDescriptor(const QString& path) {
    const int fd = ::open(path.toUtf8().constData(), O_RDONLY);
    QVERIFY(fd >= 0);
    char header[64];
    QVERIFY(::read(fd, header, sizeof header) > 0);
    ::close(fd);
}

void runChild(const QString& path, const QString& name) {
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--write-run"), path, name});
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, child.readAllStandardError().constData());
}

} // namespace

class TestWorkspaceSharing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsOfBothProcessesSurviveLostLocks() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shared.db"));
        {
            StoreWriter writer(path); // process A holds the workspace open throughout
            writeRun(writer, QStringLiteral("a1"));
            sniffThroughAnotherDescriptor(path);
            runChild(path, QStringLiteral("b1")); // B writes and exits
            writeRun(writer, QStringLiteral("a2"));
            runChild(path, QStringLiteral("b2"));
            writeRun(writer, QStringLiteral("a3"));
        } // A closes last

        Database db(path, Database::Mode::ReadOnly);
        Statement integrity(db, "PRAGMA integrity_check");
        QVERIFY(integrity.step());
        QCOMPARE(integrity.text(0), QStringLiteral("ok"));
        QStringList names;
        QSet<qint64> ids;
        for (const RunRecord& run : runs::list(db)) {
            names << run.name;
            ids.insert(run.id);
            QCOMPARE(runs::metricSeries(db, run.id, QStringLiteral("loss")).size(), kRowsPerRun);
        }
        names.sort();
        QCOMPARE(names,
                 QStringList({QStringLiteral("a1"), QStringLiteral("a2"), QStringLiteral("a3"),
                              QStringLiteral("b1"), QStringLiteral("b2")}));
        QCOMPARE(ids.size(), 5); // no run id handed out twice
    }

    void connectionNoticesItsWalWasReplaced() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("w.db"));
        Database db(path, Database::Mode::ReadWrite);
        QVERIFY(!db.walReplaced());
        sniffThroughAnotherDescriptor(path);
        QVERIFY(!db.walReplaced()); // locks gone, but nobody has touched the WAL yet
        runChild(path, QStringLiteral("b"));
        QVERIFY(db.walReplaced());
        db.reconnect();
        QVERIFY(!db.walReplaced());
        QCOMPARE(runs::list(db).size(), size_t(1)); // the fresh connection sees B's run
    }

    void workspaceFolderIsTheWorkspacesOwn() {
        QCOMPARE(Database::workspaceFolder(QStringLiteral("/w/a.db")),
                 QStringLiteral("/w/a.trainlab"));
        QCOMPARE(Database::workspaceFolder(QStringLiteral("/w/a.sqlite")),
                 QStringLiteral("/w/a.sqlite.trainlab"));
        QVERIFY(Database::workspaceFolder(QStringLiteral("/w/a.db")) !=
                Database::workspaceFolder(QStringLiteral("/w/b.db")));
    }
};

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc == 4 && QByteArray(argv[1]) == "--write-run")
        return childMain(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    TestWorkspaceSharing test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_workspacesharing.moc"
