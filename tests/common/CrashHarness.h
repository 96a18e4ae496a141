#pragma once

// Kills trainlab-cli with SIGKILL at a random moment of a run or a sweep, then checks what a
// crash must never do to a workspace (PRAGMA integrity_check fails, a (run, name, step) metric
// row or a sweep's trial number appears twice) and that `resume` / `sweep --resume` then ends
// with exactly the metric rows an uninterrupted run or sweep wrote. Shared by tst_crashsafety
// (a few rounds) and tests/bench/crash_harness (many). Reads the database with raw SQLite, as
// a separate program inspecting the file would.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>
#include <csignal>
#include <optional>
#include <sqlite3.h>

namespace trainlab::test {

/// A small deterministic CPU problem: on one thread, resuming it from any checkpoint gives the
/// same metrics, bit for bit, as never stopping it.
inline QByteArray crashRunSpec(int epochs) {
    return QStringLiteral(R"({"trainlab": 1, "name": "crash-run",
  "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 2400, "classes": 4,
              "features": 8, "noise": 1.0}, "validation_split": 0.2, "test_split": 0.1},
  "model": {"layers": [{"type": "linear", "out": 64}, {"type": "relu"},
                       {"type": "dropout", "p": 0.2}, {"type": "linear"}]},
  "training": {"epochs": %1, "batch_size": 16, "optimizer": {"type": "adam", "lr": 0.01},
               "schedule": {"type": "cosine"}, "log_every_steps": 5, "seed": 3, "threads": 1,
               "checkpoint_every_epochs": 1},
  "devices": "cpu"})")
        .arg(epochs)
        .toUtf8();
}

/// The same problem swept over four learning rates, one trial at a time. (Trials that run at
/// once share LibTorch's default generator, which seeds their initialization and draws their
/// dropout, so they are not reproducible even uninterrupted: not a crash's doing.)
inline QByteArray crashSweepSpec(int epochs) {
    QByteArray spec = crashRunSpec(epochs);
    spec.chop(1); // the closing brace
    spec += R"(,
  "sweep": {"strategy": "grid", "trials": 4, "parallel": 1,
            "objective": {"metric": "val_loss", "goal": "minimize"},
            "space": {"training.optimizer.lr": {"choice": [0.003, 0.01, 0.03, 0.1]},
                      "training.threads": {"fixed": 1}}}})";
    return spec;
}

/// A run's metric rows that do not depend on timing: (name, step) -> value.
using MetricRows = QMap<QPair<QString, qint64>, double>;

/// One trial of a sweep as stored: its parameters and its metric rows.
struct TrialRows {
    QString params;
    QString status;
    MetricRows metrics;
    bool operator==(const TrialRows& other) const {
        return params == other.params && status == other.status && metrics == other.metrics;
    }
};

/// A read-only look at a workspace file with raw SQLite.
class RawWorkspace {
public:
    explicit RawWorkspace(const QString& path)
        : exists_(QFile::exists(path)) {
        if (exists_ && sqlite3_open_v2(path.toUtf8().constData(), &db_, SQLITE_OPEN_READWRITE,
                                       nullptr) != SQLITE_OK) {
            sqlite3_close(db_);
            db_ = nullptr;
        }
        if (db_)
            sqlite3_busy_timeout(db_, 10000);
    }
    ~RawWorkspace() { sqlite3_close(db_); }
    RawWorkspace(const RawWorkspace&) = delete;
    RawWorkspace& operator=(const RawWorkspace&) = delete;

    /// Rows of a query, each as its columns' text; none when it fails (see error()).
    QList<QStringList> rows(const QString& sql) const {
        QList<QStringList> result;
        sqlite3_stmt* statement = nullptr;
        if (!db_ || sqlite3_prepare_v2(db_, sql.toUtf8().constData(), -1, &statement, nullptr) !=
                        SQLITE_OK) {
            error_ = QString::fromUtf8(db_ ? sqlite3_errmsg(db_) : "cannot open the file");
            return result;
        }
        while (sqlite3_step(statement) == SQLITE_ROW) {
            QStringList row;
            for (int c = 0; c < sqlite3_column_count(statement); ++c) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
                row << QString::fromUtf8(text ? text : "");
            }
            result << row;
        }
        sqlite3_finalize(statement);
        return result;
    }

    QString value(const QString& sql) const {
        const auto all = rows(sql);
        return all.isEmpty() || all.first().isEmpty() ? QString() : all.first().first();
    }

    bool hasTable(const QString& name) const {
        return value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'")
                         .arg(name)) == QLatin1String("1");
    }

    /// Why the file is not what a crash may leave behind; empty when it is (a process killed
    /// before it created the file leaves none).
    QString crashDamage() const {
        if (!exists_)
            return {};
        const QString integrity = value(QStringLiteral("PRAGMA integrity_check"));
        if (integrity != QLatin1String("ok"))
            return QStringLiteral("integrity_check: %1%2").arg(integrity, error_);
        if (hasTable(QStringLiteral("metrics"))) {
            const QString twice = value(QStringLiteral(
                "SELECT count(*) FROM (SELECT 1 FROM metrics GROUP BY run, name, step "
                "HAVING count(*) > 1)"));
            if (twice != QLatin1String("0"))
                return QStringLiteral("%1 (run, name, step) metric rows stored twice").arg(twice);
        }
        if (hasTable(QStringLiteral("runs"))) {
            const QString twice = value(
                QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM runs WHERE sweep IS NOT NULL "
                               "GROUP BY sweep, trial HAVING count(*) > 1)"));
            if (twice != QLatin1String("0"))
                return QStringLiteral("%1 sweep trial numbers stored twice").arg(twice);
        }
        return {};
    }

    MetricRows metrics(qint64 run) const {
        MetricRows result;
        // Throughput, timing and energy differ from one process to the next; everything else
        // must not.
        for (const QStringList& row :
             rows(QStringLiteral("SELECT name, step, printf('%.17g', value) FROM metrics WHERE "
                                 "run = %1 AND name NOT IN ('samples_per_s', 'step_time_ms', "
                                 "'data_wait_fraction', 'energy_j')")
                      .arg(run)))
            if (row.size() == 3)
                result.insert({row[0], row[1].toLongLong()}, row[2].toDouble());
        return result;
    }

    /// Trial number -> what it stored, for sweep `sweep`.
    QMap<int, TrialRows> trials(qint64 sweep) const {
        QMap<int, TrialRows> result;
        for (const QStringList& row :
             rows(QStringLiteral("SELECT trial, id, params, status FROM runs WHERE sweep = %1")
                      .arg(sweep)))
            if (row.size() == 4)
                result.insert(row[0].toInt(), {row[2], row[3], metrics(row[1].toLongLong())});
        return result;
    }

private:
    bool exists_;
    sqlite3* db_ = nullptr;
    mutable QString error_;
};

/// The rounds: each kills a CLI process once, checks, resumes and compares with a reference.
class CrashHarness {
public:
    CrashHarness(QString folder, QString cliPath, quint32 seed, int epochs = 6)
        : folder_(std::move(folder))
        , cli_(std::move(cliPath))
        , random_(seed)
        , epochs_(epochs) {}

    /// Writes the specs and runs each once without interruption (the reference). False, with
    /// problem(), when that fails.
    bool prepare() {
        runSpec_ = QDir(folder_).filePath(QStringLiteral("crash-run.json"));
        sweepSpec_ = QDir(folder_).filePath(QStringLiteral("crash-sweep.json"));
        write(runSpec_, crashRunSpec(epochs_));
        write(sweepSpec_, crashSweepSpec(epochs_));
        const QString runDb = QDir(folder_).filePath(QStringLiteral("reference-run.db"));
        const QString sweepDb = QDir(folder_).filePath(QStringLiteral("reference-sweep.db"));
        if (!timed({QStringLiteral("run"), runSpec_, QStringLiteral("--db"), runDb}, kRunMarker,
                   runTiming_) ||
            !timed({QStringLiteral("sweep"), sweepSpec_, QStringLiteral("--db"), sweepDb},
                   kSweepMarker, sweepTiming_))
            return false;
        RawWorkspace run(runDb);
        referenceRun_ = run.metrics(1);
        RawWorkspace sweep(sweepDb);
        referenceSweep_ = sweep.trials(1);
        if (!(problem_ = run.crashDamage() + sweep.crashDamage()).isEmpty())
            return false;
        if (referenceRun_.isEmpty() || referenceSweep_.size() != 4) {
            problem_ = QStringLiteral("the reference run or sweep stored nothing");
            return false;
        }
        return true;
    }

    /// Kills a `run` at a random moment, then resumes it. True when every check held.
    bool runRound(int round) {
        const QString db = QDir(folder_).filePath(QStringLiteral("run-%1.db").arg(round));
        if (!killAtRandom({QStringLiteral("run"), runSpec_, QStringLiteral("--db"), db}, kRunMarker,
                          runTiming_))
            return false;
        RawWorkspace after(db);
        if (!(problem_ = after.crashDamage()).isEmpty())
            return false;
        noteRowsAtKill(after.metrics(1).size(), referenceRun_.size());
        const QString status = after.value(QStringLiteral("SELECT status FROM runs WHERE id = 1"));
        bool ok = true;
        if (status.isEmpty()) // killed before the run had a row: run it again
            ok = cli({QStringLiteral("run"), runSpec_, QStringLiteral("--db"), db});
        else if (status != QLatin1String("completed"))
            ok = cli({QStringLiteral("resume"), QStringLiteral("1"), QStringLiteral("--db"), db});
        if (!ok)
            return false;
        RawWorkspace resumed(db);
        if (!(problem_ = resumed.crashDamage()).isEmpty())
            return false;
        if (resumed.value(QStringLiteral("SELECT status FROM runs WHERE id = 1")) !=
            QLatin1String("completed"))
            return fail(QStringLiteral("the resumed run did not complete"));
        return same(resumed.metrics(1), referenceRun_, QStringLiteral("run"));
    }

    /// Kills a `sweep` at a random moment, then resumes it. True when every check held.
    bool sweepRound(int round) {
        const QString db = QDir(folder_).filePath(QStringLiteral("sweep-%1.db").arg(round));
        if (!killAtRandom({QStringLiteral("sweep"), sweepSpec_, QStringLiteral("--db"), db},
                          kSweepMarker, sweepTiming_))
            return false;
        RawWorkspace after(db);
        if (!(problem_ = after.crashDamage()).isEmpty())
            return false;
        qsizetype rows = 0;
        qsizetype expectedRows = 0;
        for (const TrialRows& trial : after.trials(1))
            rows += trial.metrics.size();
        for (const TrialRows& trial : referenceSweep_)
            expectedRows += trial.metrics.size();
        noteRowsAtKill(rows, expectedRows);
        const QString status =
            after.hasTable(QStringLiteral("sweeps"))
                ? after.value(QStringLiteral("SELECT status FROM sweeps WHERE id = 1"))
                : QString();
        bool ok = true;
        if (status.isEmpty())
            ok = cli({QStringLiteral("sweep"), sweepSpec_, QStringLiteral("--db"), db});
        else if (status != QLatin1String("completed"))
            ok = cli({QStringLiteral("sweep"), QStringLiteral("--resume"), QStringLiteral("1"),
                      QStringLiteral("--db"), db});
        if (!ok)
            return false;
        RawWorkspace resumed(db);
        if (!(problem_ = resumed.crashDamage()).isEmpty())
            return false;
        if (resumed.value(QStringLiteral("SELECT status FROM sweeps WHERE id = 1")) !=
            QLatin1String("completed"))
            return fail(QStringLiteral("the resumed sweep did not complete"));
        const QMap<int, TrialRows> trials = resumed.trials(1);
        if (trials.keys() != referenceSweep_.keys())
            return fail(QStringLiteral("trials %1, expected %2")
                            .arg(numbers(trials.keys()), numbers(referenceSweep_.keys())));
        for (auto it = trials.begin(); it != trials.end(); ++it) {
            const TrialRows& expected = referenceSweep_.value(it.key());
            if (it->params != expected.params || it->status != expected.status)
                return fail(QStringLiteral("trial %1: %2 %3, expected %4 %5")
                                .arg(it.key())
                                .arg(it->status, it->params, expected.status, expected.params));
            if (!same(it->metrics, expected.metrics, QStringLiteral("trial %1").arg(it.key())))
                return false;
        }
        return true;
    }

    /// What went wrong in the last round that failed.
    const QString& problem() const { return problem_; }
    /// When the last round killed its process, and whether it was still running then.
    QString lastKill() const { return lastKill_; }
    /// How long the uninterrupted run and sweep took, start-up included.
    qint64 referenceRunMs() const { return runTiming_.startMs + runTiming_.workMs; }
    qint64 referenceSweepMs() const { return sweepTiming_.startMs + sweepTiming_.workMs; }

private:
    static void write(const QString& path, const QByteArray& bytes) {
        QFile file(path);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(bytes);
    }

    static QString numbers(const QList<int>& list) {
        QStringList text;
        for (int n : list)
            text << QString::number(n);
        return text.join(QLatin1Char(','));
    }

    bool fail(const QString& problem) {
        problem_ = problem;
        return false;
    }

    bool cli(const QStringList& args) {
        QProcess process;
        process.start(cli_, args);
        if (!process.waitForFinished(600000) || process.exitStatus() != QProcess::NormalExit ||
            process.exitCode() != 0)
            return fail(QStringLiteral("trainlab-cli %1 exited %2: %3")
                            .arg(args.join(QLatin1Char(' ')))
                            .arg(process.exitCode())
                            .arg(QString::fromUtf8(process.readAllStandardError().right(2000))));
        return true;
    }

    /// The line a CLI prints once its work begins: start-up (loading, opening the workspace)
    /// is over and training is under way.
    static constexpr const char* kRunMarker = "model: ";
    static constexpr const char* kSweepMarker = "sweep 1 started";

    /// How long an uninterrupted CLI took to print its marker, and from there to its end.
    struct Timing {
        qint64 startMs = 0;
        qint64 workMs = 0;
    };

    // Waits until the process's stderr shows `marker`; false when it ends or 60 s pass first.
    static bool waitForMarker(QProcess& process, const char* marker) {
        QByteArray err;
        QElapsedTimer timer;
        timer.start();
        while (!err.contains(marker) && process.state() != QProcess::NotRunning &&
               timer.elapsed() < 60000) {
            process.waitForReadyRead(20);
            err += process.readAllStandardError();
        }
        return err.contains(marker);
    }

    bool timed(const QStringList& args, const char* marker, Timing& timing) {
        QElapsedTimer timer;
        timer.start();
        QProcess process;
        process.start(cli_, args);
        if (!waitForMarker(process, marker))
            return fail(QStringLiteral("trainlab-cli %1 never printed '%2'")
                            .arg(args.join(QLatin1Char(' ')), QLatin1String(marker)));
        timing.startMs = timer.restart();
        process.waitForFinished(600000);
        timing.workMs = timer.elapsed();
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return fail(QStringLiteral("trainlab-cli %1 failed").arg(args.join(QLatin1Char(' '))));
        return true;
    }

    // Starts the CLI and SIGKILLs it at a random moment. One round in four draws the moment
    // from its start-up (creating the workspace and the run's row); the others from its work,
    // counted from its marker line (training, checkpoints, the sweep's trials), over 95% of
    // how long the uninterrupted one worked, so most kills land while rows are being written.
    bool killAtRandom(const QStringList& args, const char* marker, const Timing& reference) {
        const bool duringStartUp = random_.bounded(4) == 0;
        const qint64 window = duringStartUp ? reference.startMs : reference.workMs * 95 / 100;
        const auto afterMs = qint64(random_.bounded(quint32(std::max<qint64>(1, window))));
        QProcess process;
        process.start(cli_, args);
        if (!process.waitForStarted())
            return fail(QStringLiteral("trainlab-cli did not start"));
        if (!duringStartUp)
            waitForMarker(process, marker);
        const bool endedFirst = process.waitForFinished(int(afterMs));
        if (!endedFirst)
            ::kill(pid_t(process.processId()), SIGKILL);
        process.waitForFinished(30000);
        const QString when =
            QStringLiteral("%1 ms into its %2")
                .arg(afterMs)
                .arg(duringStartUp ? QStringLiteral("start-up") : QStringLiteral("work"));
        lastKill_ = endedFirst ? QStringLiteral("ended before the kill at ") + when
                               : QStringLiteral("killed ") + when;
        return true;
    }

    void noteRowsAtKill(qsizetype rows, qsizetype ofRows) {
        lastKill_ += QStringLiteral(", %1 of %2 metric rows stored").arg(rows).arg(ofRows);
    }

    bool same(const MetricRows& got, const MetricRows& expected, const QString& what) {
        if (got == expected)
            return true;
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            if (!got.contains(it.key()))
                return fail(QStringLiteral("%1: %2 at step %3 is missing")
                                .arg(what, it.key().first)
                                .arg(it.key().second));
            if (got.value(it.key()) != it.value())
                return fail(QStringLiteral("%1: %2 at step %3 is %4, uninterrupted %5")
                                .arg(what, it.key().first)
                                .arg(it.key().second)
                                .arg(got.value(it.key()), 0, 'g', 17)
                                .arg(it.value(), 0, 'g', 17));
        }
        return fail(QStringLiteral("%1: %2 metric rows, uninterrupted %3")
                        .arg(what)
                        .arg(got.size())
                        .arg(expected.size()));
    }

    QString folder_;
    QString cli_;
    QRandomGenerator random_;
    int epochs_;
    QString runSpec_;
    QString sweepSpec_;
    Timing runTiming_;
    Timing sweepTiming_;
    MetricRows referenceRun_;
    QMap<int, TrialRows> referenceSweep_;
    QString problem_;
    QString lastKill_;
};

} // namespace trainlab::test
