#pragma once

#include "base/WorkerHost.h"
#include "store/RunRecords.h"

#include <QList>
#include <QObject>
#include <QStringList>

namespace trainlab {

/// Tags, notes and deletions asked for in the window, written on a thread of their own so the
/// GUI never waits on the database (deleting a sweep's trials removes many rows and files).
/// Each edit opens the workspace's writer for its duration: edits are rare, and an idle window
/// then holds no writer for them.
class RunEditor : public QObject {
    Q_OBJECT
public:
    explicit RunEditor(QString databasePath);
    ~RunEditor() override;

    void tagRuns(const QList<qint64>& runs, const QStringList& tags);
    void untagRuns(const QList<qint64>& runs, const QStringList& tags);
    void setNote(const QList<qint64>& runs, const QString& note);
    void deleteRuns(const QList<qint64>& runs);

Q_SIGNALS:
    /// Done; `summary` says what changed, for the status bar and the log.
    void edited(const QString& summary);
    void deleted(const trainlab::RunDeletion& deletion, const QString& summary);
    /// Nothing (or, for a deletion, only some files) could be changed: why, naming the run,
    /// tag or file at fault.
    void failed(const QString& message);

private:
    template <typename Fn> void withWriter(Fn edit);

    QString databasePath_;
};

/// Owns a RunEditor and its thread.
class RunEditorHost : public WorkerHost<RunEditor> {
public:
    explicit RunEditorHost(const QString& databasePath);

    RunEditor* editor() const { return worker(); }
    void tagRuns(const QList<qint64>& runs, const QStringList& tags);
    void untagRuns(const QList<qint64>& runs, const QStringList& tags);
    void setNote(const QList<qint64>& runs, const QString& note);
    void deleteRuns(const QList<qint64>& runs);
};

/// "run 3", "runs 3, 4 and 5", "12 runs (3, 4, …)": how messages name a set of runs.
QString describeRuns(const QList<qint64>& runs);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunDeletion)
