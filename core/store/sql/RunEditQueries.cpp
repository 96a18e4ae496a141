#include "store/sql/RunEditQueries.h"

#include "store/ProcessToken.h"
#include "store/sql/Database.h"
#include "store/sql/RunQueries.h"
#include "store/sql/SweepQueries.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace trainlab::runedits {

namespace {

constexpr int kMaxTagLength = 64;

/// The ids once each, in the order given.
QList<qint64> distinct(const QList<qint64>& ids) {
    QList<qint64> result;
    QSet<qint64> seen;
    for (qint64 id : ids)
        if (!seen.contains(id)) {
            seen.insert(id);
            result.append(id);
        }
    return result;
}

RunRecord existingRun(Database& db, qint64 id) {
    auto run = runs::find(db, id);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(db.path()).arg(id));
    return *run;
}

void requireRuns(Database& db, const QList<qint64>& ids) {
    if (ids.isEmpty())
        throw InputError(QStringLiteral("no run given"));
    Statement exists(db, "SELECT 1 FROM runs WHERE id = ?");
    for (qint64 id : ids) {
        exists.bind(1, id);
        const bool found = exists.step();
        exists.reset();
        if (!found)
            throw InputError(QStringLiteral("%1: no run %2").arg(db.path()).arg(id));
    }
}

QStringList checkedTags(const QStringList& tags) {
    if (tags.isEmpty())
        throw InputError(QStringLiteral("no tag given"));
    QStringList result;
    for (const QString& tag : tags)
        result << checkedTag(tag);
    result.removeDuplicates();
    return result;
}

/// Rows the statement before this call changed.
qint64 changedRows(Database& db) {
    Statement changes(db, "SELECT changes()");
    changes.step();
    return changes.int64(0);
}

qint64 deleteRowsOf(Database& db, const char* sql, qint64 run) {
    Statement remove(db, sql);
    remove.bind(1, run).run();
    return changedRows(db);
}

/// Where the process holding a run or sweep is, for a refusal; empty when none holds it now.
QString liveHolder(RunStatus status, const QString& owner) {
    const bool holdable =
        status == RunStatus::Running || status == RunStatus::Paused || status == RunStatus::Queued;
    if (!holdable || owner.isEmpty() || !isProcessAlive(owner))
        return {};
    return owner == currentProcessToken() ? QStringLiteral("in this process")
                                          : QStringLiteral("in another process (%1)").arg(owner);
}

void refuseLiveRuns(Database& db, const std::vector<RunRecord>& doomed) {
    for (const RunRecord& run : doomed) {
        if (const QString holder = liveHolder(run.status, run.owner); !holder.isEmpty())
            throw InputError(QStringLiteral("run %1 (%2) is %3 %4; stop it before deleting it")
                                 .arg(run.id)
                                 .arg(run.name, runStatusName(run.status), holder));
        if (run.sweep <= 0)
            continue;
        // A sweep that is going on reads its trials to choose the next points and to prune;
        // it must not find one gone.
        const auto sweep = sweeps::find(db, run.sweep);
        if (!sweep)
            continue;
        if (const QString holder = liveHolder(sweep->status, sweep->owner); !holder.isEmpty())
            throw InputError(QStringLiteral("run %1 is trial %2 of sweep %3, which is %4 %5; "
                                            "stop the sweep before deleting its trials")
                                 .arg(run.id)
                                 .arg(run.trial)
                                 .arg(run.sweep)
                                 .arg(runStatusName(sweep->status), holder));
    }
}

bool isInside(const QString& path, const QString& folder) {
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const QString root = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    return clean.startsWith(root + QLatin1Char('/'));
}

/// What to take off the disk for one run once its rows are gone.
struct RunFiles {
    QString ownFolder;      ///< removed whole
    QStringList strayFiles; ///< checkpoint files recorded outside it, no longer referred to
    QString legacyFolder;   ///< removed only when empty
};

int removeFiles(const RunFiles& files, QStringList& leftovers) {
    int removed = 0;
    if (QFileInfo(files.ownFolder).isDir()) {
        QDirIterator entries(files.ownFolder, QDir::Files | QDir::Hidden | QDir::System,
                             QDirIterator::Subdirectories);
        int count = 1; // the folder itself
        while (entries.hasNext()) {
            entries.next();
            ++count;
        }
        if (QDir(files.ownFolder).removeRecursively())
            removed += count;
        else
            leftovers << files.ownFolder;
    }
    for (const QString& path : files.strayFiles) {
        if (!QFileInfo::exists(path))
            continue;
        if (QFile::remove(path))
            ++removed;
        else
            leftovers << path;
    }
    if (!files.legacyFolder.isEmpty() && QFileInfo(files.legacyFolder).isDir() &&
        QDir().rmdir(files.legacyFolder))
        ++removed;
    return removed;
}

} // namespace

QString checkedTag(const QString& tag) {
    const QString trimmed = tag.trimmed();
    if (trimmed.isEmpty())
        throw InputError(QStringLiteral("tag \"%1\": a tag cannot be empty").arg(tag));
    if (trimmed.size() > kMaxTagLength)
        throw InputError(QStringLiteral("tag \"%1\": longer than %2 characters")
                             .arg(trimmed.left(20) + QStringLiteral("…"))
                             .arg(kMaxTagLength));
    for (const QChar c : trimmed)
        if (c == QLatin1Char(',') || c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            throw InputError(
                QStringLiteral("tag \"%1\": a tag cannot hold a comma or a line break").arg(tag));
    return trimmed;
}

void addTags(Database& db, const QList<qint64>& ids, const QStringList& tags) {
    const QStringList checked = checkedTags(tags);
    Transaction transaction(db);
    const QList<qint64> runs = distinct(ids);
    requireRuns(db, runs);
    Statement insert(db, "INSERT OR IGNORE INTO run_tags(run, tag) VALUES(?, ?)");
    for (qint64 run : runs)
        for (const QString& tag : checked)
            insert.bind(1, run).bind(2, tag).run();
    transaction.commit();
}

void removeTags(Database& db, const QList<qint64>& ids, const QStringList& tags) {
    const QStringList checked = checkedTags(tags);
    Transaction transaction(db);
    const QList<qint64> runs = distinct(ids);
    requireRuns(db, runs);
    Statement remove(db, "DELETE FROM run_tags WHERE run = ? AND tag = ?");
    for (qint64 run : runs)
        for (const QString& tag : checked)
            remove.bind(1, run).bind(2, tag).run();
    transaction.commit();
}

void setNote(Database& db, const QList<qint64>& ids, const QString& note) {
    Transaction transaction(db);
    const QList<qint64> runs = distinct(ids);
    requireRuns(db, runs);
    const bool clear = note.trimmed().isEmpty();
    Statement set(db, "INSERT INTO run_notes(run, note) VALUES(?, ?) "
                      "ON CONFLICT(run) DO UPDATE SET note = excluded.note");
    Statement remove(db, "DELETE FROM run_notes WHERE run = ?");
    for (qint64 run : runs) {
        if (clear)
            remove.bind(1, run).run();
        else
            set.bind(1, run).bind(2, note).run();
    }
    transaction.commit();
}

RunDeletion deleteRuns(Database& db, const QList<qint64>& ids) {
    const QList<qint64> wanted = distinct(ids);
    if (wanted.isEmpty())
        throw InputError(QStringLiteral("no run given"));
    RunDeletion result;
    std::vector<RunFiles> files;
    {
        // One write transaction: nobody can start or resume a run between the check that it
        // is not training and its deletion.
        Transaction transaction(db);
        std::vector<RunRecord> doomed;
        for (qint64 id : wanted)
            doomed.push_back(existingRun(db, id));
        refuseLiveRuns(db, doomed);

        QSet<qint64> sweeps;
        QSet<qint64> experiments;
        QStringList recorded;
        for (const RunRecord& run : doomed) {
            RunFiles runFiles;
            runFiles.ownFolder = runs::checkpointDirectory(db, run.id);
            for (const CheckpointRecord& checkpoint : runs::checkpoints(db, run.id))
                if (!isInside(checkpoint.path, runFiles.ownFolder))
                    runFiles.strayFiles << checkpoint.path;
            if (!run.checkpointDir.isEmpty() &&
                QDir::cleanPath(run.checkpointDir) != QDir::cleanPath(runFiles.ownFolder))
                runFiles.legacyFolder = run.checkpointDir;
            files.push_back(runFiles);

            DeletedRun deleted;
            deleted.id = run.id;
            deleted.name = run.name;
            deleted.metricRows = deleteRowsOf(db, "DELETE FROM metrics WHERE run = ?", run.id);
            deleted.systemSamples =
                deleteRowsOf(db, "DELETE FROM system_samples WHERE run = ?", run.id);
            deleted.artifacts = deleteRowsOf(db, "DELETE FROM artifacts WHERE run = ?", run.id);
            deleted.checkpoints = deleteRowsOf(db, "DELETE FROM checkpoints WHERE run = ?", run.id);
            deleteRowsOf(db, "DELETE FROM run_summaries WHERE run = ?", run.id);
            deleteRowsOf(db, "DELETE FROM run_tags WHERE run = ?", run.id);
            deleteRowsOf(db, "DELETE FROM run_notes WHERE run = ?", run.id);
            deleteRowsOf(db, "DELETE FROM runs WHERE id = ?", run.id);
            result.runs.append(deleted);
            if (run.sweep > 0)
                sweeps.insert(run.sweep);
            if (run.experiment > 0)
                experiments.insert(run.experiment);
        }

        // A checkpoint file another run still records stays (older runs could share a folder).
        Statement referenced(db, "SELECT 1 FROM checkpoints WHERE path = ? LIMIT 1");
        for (RunFiles& runFiles : files)
            runFiles.strayFiles.removeIf([&](const QString& path) {
                referenced.bind(1, path);
                const bool used = referenced.step();
                referenced.reset();
                return used;
            });

        Statement remaining(db, "SELECT count(*) FROM runs WHERE sweep = ?");
        Statement dropSweep(db, "DELETE FROM sweeps WHERE id = ?");
        Statement staleImportance(db, "UPDATE sweeps SET importance = NULL WHERE id = ?");
        for (qint64 sweep : sweeps) {
            remaining.bind(1, sweep);
            remaining.step();
            const qint64 left = remaining.int64(0);
            remaining.reset();
            if (left == 0) {
                dropSweep.bind(1, sweep).run();
                result.sweepsRemoved.append(sweep);
            } else {
                staleImportance.bind(1, sweep).run();
            }
        }
        std::sort(result.sweepsRemoved.begin(), result.sweepsRemoved.end());

        // Each run made its own experiment row; one nothing refers to any more goes too.
        Statement orphan(db, "DELETE FROM experiments WHERE id = ?1 AND NOT EXISTS "
                             "(SELECT 1 FROM runs WHERE experiment = ?1) AND NOT EXISTS "
                             "(SELECT 1 FROM sweeps WHERE experiment = ?1)");
        for (qint64 experiment : experiments)
            orphan.bind(1, experiment).run();
        transaction.commit();
    }
    for (qsizetype i = 0; i < result.runs.size(); ++i)
        result.runs[i].filesRemoved = removeFiles(files[size_t(i)], result.leftovers);
    return result;
}

} // namespace trainlab::runedits
