#include "store/HistoryReader.h"

#include "base/Errors.h"
#include "store/ProcessToken.h"
#include "store/WorkspaceReader.h"

#include <QSaveFile>
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
    tableWatch_ = false;
    startWatch();
    loadRuns();
}

void HistoryReader::watchRunTable() {
    tableWatch_ = true;
    startWatch();
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        runsSignature_ = workspace->runsSignature();
        announceRunsChanged(*workspace);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::startWatch() {
    if (!watchTimer_) {
        watchTimer_ = new QTimer(this); // made here, so it lives on this object's thread
        connect(watchTimer_, &QTimer::timeout, this, &HistoryReader::pollRuns);
    }
    watchTimer_->start(kWatchMs);
}

void HistoryReader::announceRunsChanged(WorkspaceReader& workspace) {
    const std::vector<RunRecord> unfinished = workspace.unfinishedRuns();
    anyUnfinished_ = !unfinished.empty();
    sinceRunsLoaded_.start();
    Q_EMIT runsChanged(QVector<RunRecord>(unfinished.begin(), unfinished.end()));
}

void HistoryReader::pollRuns() {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        const bool due = anyUnfinished_ && sinceRunsLoaded_.isValid() &&
                         sinceRunsLoaded_.elapsed() >= kUnfinishedReloadMs;
        const QString signature = workspace->runsSignature();
        if (!due && signature == runsSignature_)
            return;
        if (!tableWatch_) {
            loadRuns();
            return;
        }
        runsSignature_ = signature;
        announceRunsChanged(*workspace);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadRunTable(quint64 request, const RunTableQuery& query) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT runTableLoaded(request, workspace->runTableIndex(query));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadRunRows(quint64 request, const QVector<qint64>& ids,
                                const QStringList& params) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT runRowsLoaded(request, workspace->runTableRows(ids, params));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadRunColumns() {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT runColumnsLoaded(workspace->runColumnCatalog());
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

void HistoryReader::loadComparison(qint64 request, const QList<qint64>& runs) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT comparisonLoaded(request, workspace->comparison(runs));
    } catch (const std::exception& e) {
        Q_EMIT requestFailed(request, QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadCurves(qint64 request, const QList<qint64>& runs,
                               const QStringList& names) {
    if (request < newestCurves_.load())
        return; // the view asked for something else since: not worth a whole read
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT curvesLoaded(request, workspace->curves(runs, names));
    } catch (const std::exception& e) {
        Q_EMIT requestFailed(request, QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadSystemCurves(qint64 request, const QList<qint64>& runs) {
    if (request < newestCurves_.load())
        return;
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        Q_EMIT curvesLoaded(request, workspace->systemCurves(runs));
    } catch (const std::exception& e) {
        Q_EMIT requestFailed(request, QString::fromUtf8(e.what()));
    }
}

void HistoryReader::exportCurves(qint64 request, const QList<qint64>& runs, const QString& path) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        if (isWorkspaceFile(path, databasePath_))
            throw InputError(
                QStringLiteral("%1: is the workspace itself; choose another file").arg(path));
        QSaveFile file(path); // all or nothing: a failed export leaves no half file
        if (!file.open(QIODevice::WriteOnly))
            throw InputError(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
        // A run at a time: memory stays that of the longest run, whatever the selection.
        qint64 rows = 0;
        writeCurvesCsv(file, {});
        for (const qint64 run : runs)
            rows += writeCurvesCsv(file, workspace->curves({run}, workspace->metricNames(run)),
                                   /*withHeader=*/false);
        if (!file.commit())
            throw InputError(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
        Q_EMIT curvesExported(request, path, rows);
    } catch (const std::exception& e) {
        Q_EMIT requestFailed(request, QString::fromUtf8(e.what()));
    }
}

namespace {

QString registeredThreadName() {
    qRegisterMetaType<trainlab::RunListEntry>();
    qRegisterMetaType<QVector<trainlab::RunListEntry>>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
    qRegisterMetaType<QVector<trainlab::SystemSample>>();
    qRegisterMetaType<trainlab::RunComparison>();
    qRegisterMetaType<QVector<trainlab::RunCurve>>();
    qRegisterMetaType<trainlab::RunRecord>();
    qRegisterMetaType<QVector<trainlab::RunRecord>>();
    qRegisterMetaType<trainlab::RunTableQuery>();
    qRegisterMetaType<trainlab::RunTableIndex>();
    qRegisterMetaType<trainlab::RunTableRow>();
    qRegisterMetaType<QVector<trainlab::RunTableRow>>();
    qRegisterMetaType<trainlab::RunColumnCatalog>();
    qRegisterMetaType<trainlab::RunEvaluation>();
    qRegisterMetaType<trainlab::SweepSummary>();
    qRegisterMetaType<trainlab::PreflightRecord>();
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

void HistoryReaderHost::loadComparison(qint64 request, const QList<qint64>& runs) {
    post([request, runs](HistoryReader& reader) { reader.loadComparison(request, runs); });
}

void HistoryReaderHost::loadCurves(qint64 request, const QList<qint64>& runs,
                                   const QStringList& names) {
    reader()->noteCurvesRequest(request);
    post(
        [request, runs, names](HistoryReader& reader) { reader.loadCurves(request, runs, names); });
}

void HistoryReaderHost::loadSystemCurves(qint64 request, const QList<qint64>& runs) {
    reader()->noteCurvesRequest(request);
    post([request, runs](HistoryReader& reader) { reader.loadSystemCurves(request, runs); });
}

void HistoryReaderHost::exportCurves(qint64 request, const QList<qint64>& runs,
                                     const QString& path) {
    post(
        [request, runs, path](HistoryReader& reader) { reader.exportCurves(request, runs, path); });
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

void HistoryReader::loadSweep(qint64 sweepId) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        const auto sweep = workspace->sweep(sweepId);
        if (!sweep) {
            Q_EMIT failed(QStringLiteral("no sweep %1 in this workspace").arg(sweepId));
            return;
        }
        Q_EMIT sweepLoaded(sweepSummaryFromReport(workspace->sweepReport(*sweep)));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadPreflight(qint64 id) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        for (const PreflightRecord& record : workspace->preflightResults())
            if (record.id == id) {
                Q_EMIT preflightLoaded(record);
                return;
            }
        Q_EMIT failed(QStringLiteral("no pre-flight result %1 in this workspace").arg(id));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReaderHost::loadPreflight(qint64 id) {
    post([id](HistoryReader& reader) { reader.loadPreflight(id); });
}

void HistoryReaderHost::loadSweep(qint64 sweepId) {
    post([sweepId](HistoryReader& reader) { reader.loadSweep(sweepId); });
}

void HistoryReaderHost::loadEvaluation(qint64 runId) {
    post([runId](HistoryReader& reader) { reader.loadEvaluation(runId); });
}

void HistoryReaderHost::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    post([runId, names, maxPoints](HistoryReader& reader) {
        reader.loadSeries(runId, names, maxPoints);
    });
}

void HistoryReaderHost::loadRunTable(quint64 request, const RunTableQuery& query) {
    post([request, query](HistoryReader& reader) { reader.loadRunTable(request, query); });
}

void HistoryReaderHost::loadRunRows(quint64 request, const QVector<qint64>& ids,
                                    const QStringList& params) {
    post([request, ids, params](HistoryReader& reader) {
        reader.loadRunRows(request, ids, params);
    });
}

void HistoryReaderHost::loadRunColumns() {
    post([](HistoryReader& reader) { reader.loadRunColumns(); });
}

void HistoryReaderHost::watchRunTable() {
    post([](HistoryReader& reader) { reader.watchRunTable(); });
}

} // namespace trainlab
