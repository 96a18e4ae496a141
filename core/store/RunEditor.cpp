#include "store/RunEditor.h"

#include "base/Errors.h"
#include "store/StoreWriter.h"

namespace trainlab {

RunEditor::RunEditor(QString databasePath)
    : databasePath_(std::move(databasePath)) {}

RunEditor::~RunEditor() = default;

template <typename Fn> void RunEditor::withWriter(Fn edit) {
    try {
        StoreWriter store(databasePath_);
        edit(store);
    } catch (const std::exception& e) {
        Q_EMIT failed(firstLineOf(e));
    }
}

void RunEditor::tagRuns(const QList<qint64>& runs, const QStringList& tags) {
    withWriter([&](StoreWriter& store) {
        store.tagRuns(runs, tags);
        Q_EMIT edited(tr("tagged %1 %2").arg(describeRuns(runs), tags.join(QStringLiteral(", "))));
    });
}

void RunEditor::untagRuns(const QList<qint64>& runs, const QStringList& tags) {
    withWriter([&](StoreWriter& store) {
        store.untagRuns(runs, tags);
        Q_EMIT edited(
            tr("removed tag %1 from %2").arg(tags.join(QStringLiteral(", ")), describeRuns(runs)));
    });
}

void RunEditor::setNote(const QList<qint64>& runs, const QString& note) {
    withWriter([&](StoreWriter& store) {
        store.setRunNote(runs, note);
        Q_EMIT edited(note.trimmed().isEmpty()
                          ? tr("removed the note of %1").arg(describeRuns(runs))
                          : tr("noted %1").arg(describeRuns(runs)));
    });
}

void RunEditor::deleteRuns(const QList<qint64>& runs) {
    withWriter([&](StoreWriter& store) {
        const RunDeletion deletion = store.deleteRuns(runs);
        QList<qint64> ids;
        qint64 metricRows = 0;
        int files = 0;
        for (const DeletedRun& run : deletion.runs) {
            ids.append(run.id);
            metricRows += run.metricRows;
            files += run.filesRemoved;
        }
        QString summary = tr("deleted %1 (%2 metric rows, %3 files)")
                              .arg(describeRuns(ids))
                              .arg(metricRows)
                              .arg(files);
        if (!deletion.sweepsRemoved.isEmpty())
            summary += tr("; sweeps without trials left went too");
        Q_EMIT deleted(deletion, summary);
        if (!deletion.leftovers.isEmpty())
            Q_EMIT failed(tr("the runs are deleted, but %1 could not be removed")
                              .arg(deletion.leftovers.join(QStringLiteral(", "))));
    });
}

QString describeRuns(const QList<qint64>& runs) {
    QStringList ids;
    for (qint64 id : runs)
        ids << QString::number(id);
    if (ids.size() == 1)
        return QObject::tr("run %1").arg(ids.first());
    if (ids.size() > 8)
        return QObject::tr("%1 runs (%2, …)")
            .arg(ids.size())
            .arg(ids.mid(0, 8).join(QStringLiteral(", ")));
    const QString last = ids.takeLast();
    return QObject::tr("runs %1 and %2").arg(ids.join(QStringLiteral(", ")), last);
}

namespace {

QString registeredThreadName() {
    qRegisterMetaType<trainlab::RunDeletion>();
    return QStringLiteral("trainlab-run-editor");
}

} // namespace

RunEditorHost::RunEditorHost(const QString& databasePath)
    : WorkerHost<RunEditor>(registeredThreadName(), databasePath) {}

void RunEditorHost::tagRuns(const QList<qint64>& runs, const QStringList& tags) {
    post([runs, tags](RunEditor& editor) { editor.tagRuns(runs, tags); });
}

void RunEditorHost::untagRuns(const QList<qint64>& runs, const QStringList& tags) {
    post([runs, tags](RunEditor& editor) { editor.untagRuns(runs, tags); });
}

void RunEditorHost::setNote(const QList<qint64>& runs, const QString& note) {
    post([runs, note](RunEditor& editor) { editor.setNote(runs, note); });
}

void RunEditorHost::deleteRuns(const QList<qint64>& runs) {
    post([runs](RunEditor& editor) { editor.deleteRuns(runs); });
}

} // namespace trainlab
