// A run under a workspace that another connection keeps locked for longer than the writer
// retries: it fails as the environment's failure (FailureKind::Environment) with the database
// named, and once the lock is gone its row says `failed` with that reason, never `completed`.
// The writer's wait is shortened through its documented variable (README, Reliability).
#include "../common/DirectJobContext.h"
#include "../common/TestSupport.h"

#include "jobs/RunJob.h"
#include "spec/SpecJson.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"

#include <QtTest>
#include <atomic>
#include <sqlite3.h>
#include <thread>

using namespace trainlab;

class TestStoreFailure : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // Read once, at the first connection: 5 attempts of 0.2 s plus backoff, about 4 s.
        qputenv("TRAINLAB_DB_BUSY_TIMEOUT_MS", "200");
    }

    void lockHeldPastTheRetriesFailsTheRunAsTheEnvironment() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("locked.db"));
        RunJob job(RunRequest{
            loadSpecFile(test::quickstartSpec(), {QStringLiteral("training.epochs=100000")}),
            {},
            0});
        std::atomic<bool> lockNow{false};
        std::atomic<bool> stop{false};
        JobInfo info;
        {
            StoreWriter writer(path);
            // Another connection takes the write lock once the run is under way and lets go as
            // soon as the writer has given up on it.
            std::thread other([&] {
                while (!lockNow.load() && !stop.load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                if (stop.load())
                    return;
                sqlite3* db = nullptr;
                sqlite3_open(path.toUtf8().constData(), &db);
                sqlite3_busy_timeout(db, 10000);
                sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
                while (writer.writeFailure().isEmpty() && !stop.load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
                sqlite3_close(db);
            });
            test::DirectJobContext context(writer);
            context.onMessage = [&](const QString& line) {
                if (line.startsWith(QStringLiteral("epoch 2/")))
                    lockNow.store(true);
                if (line.startsWith(QStringLiteral("epoch 1000/")))
                    job.cancel(); // the lock never stopped it: end, and fail below
            };
            info = context.run(job);
            stop.store(true);
            other.join();
        }
        QCOMPARE(info.status, RunStatus::Failed);
        QCOMPARE(info.failure, FailureKind::Environment);
        QVERIFY2(info.error.contains(path) &&
                     info.error.contains(QStringLiteral("locked by another process")),
                 qPrintable(info.error));
        WorkspaceReader workspace(path);
        const auto run = workspace.run(info.runId);
        QVERIFY(run);
        QCOMPARE(run->status, RunStatus::Failed);
        QCOMPARE(run->error, info.error);
    }
};

QTEST_GUILESS_MAIN(TestStoreFailure)
#include "tst_storefailure.moc"
