#include "RunLogView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

namespace trainlab {

namespace {

constexpr qint64 kWindowKey = 0;

QString colorOf(LogLevel level) {
    switch (level) {
    case LogLevel::Error:
        return QStringLiteral("#b00020");
    case LogLevel::Warning:
        return QStringLiteral("#8a5300");
    default:
        return {};
    }
}

} // namespace

LogLevel logLevelOf(const QString& line) {
    static const QRegularExpression error(
        QStringLiteral(R"(\b(error|errors|failed|fails|cannot|could not|out of memory|)"
                       R"(exception|corrupt)\b)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression warning(
        QStringLiteral(R"(\b(warning|nan|inf|non-finite|diverged|cancelled|interrupted|)"
                       R"(pruned|budget reached|stopped early|early stopping)\b)"),
        QRegularExpression::CaseInsensitiveOption);
    if (error.match(line).hasMatch())
        return LogLevel::Error;
    if (warning.match(line).hasMatch())
        return LogLevel::Warning;
    return LogLevel::Info;
}

RunLogView::RunLogView(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    header->setContentsMargins(4, 0, 4, 0);
    title_ = new QLabel;
    title_->setObjectName(QStringLiteral("runLogTitle"));
    allRuns_ = new QCheckBox(tr("All runs"));
    allRuns_->setObjectName(QStringLiteral("logAllRuns"));
    allRuns_->setToolTip(tr("Show every run's messages, not only the selected run's"));
    header->addWidget(title_, 1);
    header->addWidget(allRuns_);
    text_ = new QPlainTextEdit;
    text_->setObjectName(QStringLiteral("runLog"));
    text_->setReadOnly(true);
    text_->setMaximumBlockCount(kMaxShownLines);
    text_->setPlaceholderText(tr("Run messages appear here: select a run to see its own."));
    layout->addLayout(header);
    layout->addWidget(text_);
    connect(allRuns_, &QCheckBox::toggled, this, &RunLogView::render);
    showRun(0);
}

void RunLogView::appendJobMessage(qint64 jobId, qint64 runId, const QString& line) {
    Entry entry{0, QTime::currentTime(), line, logLevelOf(line), runId};
    if (runId > 0 && !runOfJob_.contains(jobId)) {
        runOfJob_.insert(jobId, runId);
        // The job's first lines came before its run existed: they are the run's too.
        const Bucket early = buckets_.take(-jobId);
        Bucket& bucket = buckets_[runId];
        for (auto it = early.rbegin(); it != early.rend(); ++it)
            bucket.push_front(*it);
        if (!early.empty() && runId == runId_)
            render();
    }
    add(runId > 0 ? runId : -jobId, std::move(entry));
}

void RunLogView::appendWindowMessage(const QString& line) {
    add(kWindowKey, Entry{0, QTime::currentTime(), line, logLevelOf(line), 0});
}

void RunLogView::showRun(qint64 runId, const QList<qint64>& contextJobIds) {
    runId_ = runId;
    shownKeys_ = {kWindowKey};
    if (runId > 0)
        shownKeys_.insert(runId);
    for (qint64 job : contextJobIds)
        shownKeys_.insert(-job);
    render();
}

int RunLogView::keptLines(qint64 runId) const {
    const auto it = buckets_.constFind(runId);
    return it == buckets_.constEnd() ? 0 : int(it->size());
}

void RunLogView::add(qint64 key, Entry entry) {
    entry.sequence = ++sequence_;
    Bucket& bucket = buckets_[key];
    bucket.push_back(entry);
    if (bucket.size() > size_t(kLinesPerRun))
        bucket.pop_front();
    if (isShown(key))
        appendEntry(entry);
    if (buckets_.size() > kMaxRuns + 1)
        evictOldBuckets();
}

bool RunLogView::isShown(qint64 key) const {
    return allRuns_->isChecked() || shownKeys_.contains(key);
}

void RunLogView::render() {
    title_->setText(allRuns_->isChecked() ? tr("Log: all runs")
                    : runId_ > 0          ? tr("Log: run %1").arg(runId_)
                                          : tr("Log: no run selected"));
    std::vector<const Entry*> entries;
    for (auto it = buckets_.cbegin(); it != buckets_.cend(); ++it)
        if (isShown(it.key()))
            for (const Entry& entry : it.value())
                entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(),
              [](const Entry* a, const Entry* b) { return a->sequence < b->sequence; });
    text_->clear();
    const size_t first =
        entries.size() > size_t(kMaxShownLines) ? entries.size() - kMaxShownLines : 0;
    for (size_t i = first; i < entries.size(); ++i)
        appendEntry(*entries[i]);
}

void RunLogView::appendEntry(const Entry& entry) {
    QString line = entry.time.toString(QStringLiteral("HH:mm:ss  "));
    if (allRuns_->isChecked() && entry.runId > 0)
        line += tr("[run %1] ").arg(entry.runId);
    line += entry.text;
    if (entry.level == LogLevel::Info) {
        text_->appendPlainText(line);
        return;
    }
    // Colour and weight both mark it, so it stands out without relying on colour alone.
    text_->appendHtml(QStringLiteral("<span style=\"color:%1;%2\">%3</span>")
                          .arg(colorOf(entry.level),
                               entry.level == LogLevel::Error
                                   ? QStringLiteral("font-weight:bold;")
                                   : QStringLiteral("font-style:italic;"),
                               line.toHtmlEscaped()));
}

void RunLogView::evictOldBuckets() {
    // Forget the runs that spoke least recently; never the window's or what is on screen.
    while (buckets_.size() > kMaxRuns + 1) {
        qint64 oldestKey = kWindowKey;
        qint64 oldest = std::numeric_limits<qint64>::max();
        for (auto it = buckets_.cbegin(); it != buckets_.cend(); ++it) {
            const qint64 last = it->empty() ? 0 : it->back().sequence;
            if (it.key() != kWindowKey && !shownKeys_.contains(it.key()) && last < oldest) {
                oldest = last;
                oldestKey = it.key();
            }
        }
        if (oldestKey == kWindowKey)
            return;
        buckets_.remove(oldestKey);
    }
}

} // namespace trainlab
