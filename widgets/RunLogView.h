#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QTime>
#include <QWidget>
#include <deque>

class QCheckBox;
class QLabel;
class QPlainTextEdit;

namespace trainlab {

enum class LogLevel { Invalid, Info, Warning, Error };

/// How a message line reads: an error (failed, cannot, ...), a warning (NaN, cancelled, ...) or
/// plain information. Messages carry no level of their own, so their words decide.
LogLevel logLevelOf(const QString& line);

/// The Runs page's log: the selected run's messages, warnings and errors highlighted, over the
/// window's own (queued, errors). Every run keeps its latest kLinesPerRun lines, for the latest
/// kMaxRuns runs, so selecting an older run shows its log again; "All runs" mixes them all.
class RunLogView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kLinesPerRun = 2000;
    static constexpr int kMaxRuns = 100;
    static constexpr int kMaxShownLines = 5000;

    explicit RunLogView(QWidget* parent = nullptr);

    /// A backend message (Backend::jobMessage): kept with its run, or with its job while the
    /// job has no run (a sweep; a run's first lines, which join the run once it has one).
    void appendJobMessage(qint64 jobId, qint64 runId, const QString& line);
    /// A message of the window itself: shown whichever run is selected.
    void appendWindowMessage(const QString& line);
    /// Shows `runId`'s lines (0: the window's only) and those of `contextJobIds` (a trial's
    /// sweep job), in the order they came.
    void showRun(qint64 runId, const QList<qint64>& contextJobIds = {});
    qint64 runId() const { return runId_; }
    /// Lines kept for `runId` (shown or not).
    int keptLines(qint64 runId) const;
    QPlainTextEdit* textView() const { return text_; }
    QCheckBox* allRunsBox() const { return allRuns_; }

private:
    struct Entry {
        qint64 sequence = 0;
        QTime time;
        QString text;
        LogLevel level = LogLevel::Info;
        qint64 runId = 0;
    };
    using Bucket = std::deque<Entry>;

    void add(qint64 key, Entry entry);
    bool isShown(qint64 key) const;
    void render();
    void appendEntry(const Entry& entry);
    void evictOldBuckets();

    QHash<qint64, Bucket> buckets_; ///< by run id; a job's own by -job id; the window's at 0
    QHash<qint64, qint64> runOfJob_;
    QSet<qint64> shownKeys_;
    qint64 runId_ = 0;
    qint64 sequence_ = 0;
    QLabel* title_ = nullptr;
    QCheckBox* allRuns_ = nullptr;
    QPlainTextEdit* text_ = nullptr;
};

} // namespace trainlab
