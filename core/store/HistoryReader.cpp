#include "store/HistoryReader.h"

#include "store/ProcessToken.h"
#include "store/WorkspaceReader.h"

#include <QTimer>

namespace trainlab {

HistoryReader::HistoryReader(QString databasePath)
    : databasePath_(std::move(databasePath)) {}

HistoryReader::~HistoryReader() = default;

WorkspaceReader* HistoryReader::reader() {
    if (!reader_) {
        try {
            reader_ = std::make_unique<WorkspaceReader>(databasePath_);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromUtf8(e.what()));
            return nullptr;
        }
    }
    return reader_.get();
}

void HistoryReader::loadRuns() {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        runsSignature_ = workspace->runsSignature();
        anyUnfinished_ = false;
        QVector<RunListEntry> entries;
        for (RunRecord& run : workspace->runs()) {
            anyUnfinished_ = anyUnfinished_ || run.status == RunStatus::Running ||
                             run.status == RunStatus::Paused || run.status == RunStatus::Queued;
            RunListEntry entry;
            entry.finalMetrics = workspace->metricSummary(run.id).final;
            entry.run = std::move(run);
            entries.append(std::move(entry));
        }
        sinceRunsLoaded_.start();
        Q_EMIT runsLoaded(entries);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::watchRuns() {
    if (!watchTimer_) {
        watchTimer_ = new QTimer(this); // made here, so it lives on this object's thread
        connect(watchTimer_, &QTimer::timeout, this, &HistoryReader::pollRuns);
    }
    watchTimer_->start(kWatchMs);
    loadRuns();
}

void HistoryReader::pollRuns() {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        const bool due = anyUnfinished_ && sinceRunsLoaded_.isValid() &&
                         sinceRunsLoaded_.elapsed() >= kUnfinishedReloadMs;
        if (due || workspace->runsSignature() != runsSignature_)
            loadRuns();
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    followedRun_ = 0;
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        const MetricSnapshot snapshot = workspace->metricSnapshot(runId, names, maxPoints);
        Q_EMIT seriesLoaded(runId, snapshot.points);
        if (!trainedElsewhere(runId))
            return;
        followedRun_ = runId;
        followedNames_ = names;
        followedRow_ = snapshot.lastRow;
        if (!followTimer_) {
            // Created on first use, so it lives on this object's thread.
            followTimer_ = new QTimer(this);
            connect(followTimer_, &QTimer::timeout, this, &HistoryReader::pollFollowed);
        }
        followTimer_->start(kFollowMs);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

bool HistoryReader::trainedElsewhere(qint64 run) {
    const auto record = reader()->run(run);
    return record &&
           (record->status == RunStatus::Running || record->status == RunStatus::Paused) &&
           !record->owner.isEmpty() && record->owner != currentProcessToken() &&
           isProcessAlive(record->owner);
}

void HistoryReader::pollFollowed() {
    WorkspaceReader* workspace = followedRun_ > 0 ? reader() : nullptr;
    if (!workspace) {
        followTimer_->stop();
        return;
    }
    try {
        // Asked before reading: a run that ends meanwhile has its last rows read this time.
        const bool stillTrained = trainedElsewhere(followedRun_);
        const MetricSnapshot fresh =
            workspace->metricsAfter(followedRun_, followedNames_, followedRow_);
        followedRow_ = fresh.lastRow;
        if (!fresh.points.isEmpty())
            Q_EMIT seriesAppended(followedRun_, fresh.points);
        if (!stillTrained) {
            followedRun_ = 0;
            followTimer_->stop();
        }
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

namespace {

QString registeredThreadName() {
    qRegisterMetaType<trainlab::RunListEntry>();
    qRegisterMetaType<QVector<trainlab::RunListEntry>>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
    qRegisterMetaType<QVector<trainlab::SystemSample>>();
    qRegisterMetaType<trainlab::RunEvaluation>();
    return QStringLiteral("trainlab-history");
}

} // namespace

HistoryReaderHost::HistoryReaderHost(const QString& databasePath)
    : WorkerHost<HistoryReader>(registeredThreadName(), databasePath) {}

void HistoryReaderHost::loadRuns() {
    post([](HistoryReader& reader) { reader.loadRuns(); });
}

void HistoryReaderHost::watchRuns() {
    post([](HistoryReader& reader) { reader.watchRuns(); });
}

void HistoryReader::loadSystemSamples(qint64 runId, double afterTime) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT systemSamplesLoaded(runId, workspace->systemSamples(runId, afterTime));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReaderHost::loadSystemSamples(qint64 runId, double afterTime) {
    post([runId, afterTime](HistoryReader& reader) { reader.loadSystemSamples(runId, afterTime); });
}

void HistoryReader::loadEvaluation(qint64 runId) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        const auto run = workspace->run(runId);
        RunEvaluation evaluation;
        if (run) {
            evaluation = readRunEvaluation(*workspace, *run);
        } else {
            evaluation.runId = runId;
            evaluation.state = EvaluationState::NoRun;
            evaluation.reason = QStringLiteral("no run %1 in this workspace").arg(runId);
        }
        Q_EMIT evaluationLoaded(evaluation);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReaderHost::loadEvaluation(qint64 runId) {
    post([runId](HistoryReader& reader) { reader.loadEvaluation(runId); });
}

void HistoryReaderHost::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    post([runId, names, maxPoints](HistoryReader& reader) {
        reader.loadSeries(runId, names, maxPoints);
    });
}

} // namespace trainlab
