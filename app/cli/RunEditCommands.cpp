// tag, note and delete: what a person edits on stored runs. Store headers only, so the
// torch-free front can answer these verbs itself.
#include "Commands.h"

#include "base/Errors.h"
#include "store/StoreWriter.h"
#include "store/WorkspaceReader.h"

#include <QFileInfo>
#include <QTextStream>
#include <unistd.h>

namespace trainlab::cli {

namespace {

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

qint64 parseRunId(const QString& text) {
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw InputError(QStringLiteral("'%1' is not a run id (a positive number)").arg(text));
    return id;
}

/// The workspace to edit; an edit never creates one (a mistyped --db would otherwise make an
/// empty workspace and then report that it has no such run).
QString existingWorkspace(const CliArgs& args) {
    const QString path = databasePath(args);
    if (!QFileInfo::exists(path))
        throw InputError(QStringLiteral("%1: no such workspace").arg(path));
    return path;
}

QString tagsText(const QStringList& tags) {
    return tags.isEmpty() ? QStringLiteral("none") : tags.join(QStringLiteral(", "));
}

/// Asks on the terminal; false unless the answer is yes.
bool confirmed(const QString& question) {
    err() << question << " [y/N] " << Qt::flush;
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed().toLower();
    return answer == QLatin1String("y") || answer == QLatin1String("yes");
}

QString deletionLine(const DeletedRun& run) {
    return QStringLiteral("deleted run %1 (%2): %3 metric rows, %4 system samples, %5 artifacts, "
                          "%6 checkpoints, %7 files\n")
        .arg(run.id)
        .arg(run.name)
        .arg(run.metricRows)
        .arg(run.systemSamples)
        .arg(run.artifacts)
        .arg(run.checkpoints)
        .arg(run.filesRemoved);
}

} // namespace

int tagCommand(const CliArgs& args) {
    if (args.positional.size() < 2)
        throw InputError(QStringLiteral("tag takes a run id and at least one tag: "
                                        "tag RUN TAG... [--remove]"));
    const qint64 run = parseRunId(args.positional.first());
    const QStringList tags = args.positional.mid(1);
    StoreWriter store(existingWorkspace(args));
    if (args.remove)
        store.untagRuns({run}, tags);
    else
        store.tagRuns({run}, tags);
    const auto record = store.findRun(run);
    standardOutput() << "run " << run << ": tags "
                     << tagsText(record ? record->tags : QStringList()) << "\n";
    return kExitOk;
}

int noteCommand(const CliArgs& args) {
    if (args.positional.size() != 2)
        throw InputError(QStringLiteral("note takes a run id and one text (quote it; \"\" "
                                        "removes the note): note RUN TEXT"));
    const qint64 run = parseRunId(args.positional.first());
    StoreWriter store(existingWorkspace(args));
    store.setRunNote({run}, args.positional[1]);
    const auto record = store.findRun(run);
    const QString note = record ? record->note : QString();
    standardOutput() << "run " << run << ": "
                     << (note.isEmpty() ? QStringLiteral("no note") : QStringLiteral("note set"))
                     << "\n";
    return kExitOk;
}

int deleteCommand(const CliArgs& args) {
    if (args.positional.isEmpty())
        throw InputError(QStringLiteral("delete takes one or more run ids: delete RUN... [--yes]"));
    QList<qint64> ids;
    for (const QString& text : args.positional)
        ids.append(parseRunId(text));
    const QString path = existingWorkspace(args);
    QStringList named;
    {
        WorkspaceReader workspace(path);
        for (qint64 id : ids) {
            const auto run = workspace.run(id);
            if (!run)
                throw InputError(QStringLiteral("%1: no run %2").arg(path).arg(id));
            named << QStringLiteral("%1 (%2)").arg(id).arg(run->name);
        }
    }
    const QString what = QStringLiteral("run%1 %2 with their metrics, summaries, system samples, "
                                        "artifacts, checkpoints and checkpoint files")
                             .arg(ids.size() == 1 ? QString() : QStringLiteral("s"))
                             .arg(named.join(QStringLiteral(", ")));
    if (!args.yes) {
        // A script must say so: nothing is deleted for good on a question nobody can answer.
        if (!::isatty(STDIN_FILENO))
            throw InputError(QStringLiteral("delete: not deleting %1 without --yes (no terminal "
                                            "to ask on)")
                                 .arg(named.join(QStringLiteral(", "))));
        if (!confirmed(QStringLiteral("Delete %1 for good?").arg(what))) {
            err() << "nothing deleted" << Qt::endl;
            return kExitOk;
        }
    }
    StoreWriter store(path);
    const RunDeletion deletion = store.deleteRuns(ids);
    for (const DeletedRun& run : deletion.runs)
        standardOutput() << deletionLine(run);
    for (qint64 sweep : deletion.sweepsRemoved)
        standardOutput() << "deleted sweep " << sweep << ": none of its trials is left\n";
    if (!deletion.leftovers.isEmpty())
        throw EnvironmentError(
            QStringLiteral("the runs are deleted, but %1 could not be removed%2")
                .arg(deletion.leftovers.first())
                .arg(deletion.leftovers.size() > 1
                         ? QStringLiteral(" (and %1 more)").arg(deletion.leftovers.size() - 1)
                         : QString()));
    return kExitOk;
}

} // namespace trainlab::cli
