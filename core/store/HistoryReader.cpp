#include "store/HistoryReader.h"

#include "store/WorkspaceReader.h"

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
        QVector<RunListEntry> entries;
        for (RunRecord& run : workspace->runs()) {
            RunListEntry entry;
            entry.finalMetrics = workspace->metricSummary(run.id).final;
            entry.run = std::move(run);
            entries.append(std::move(entry));
        }
        Q_EMIT runsLoaded(entries);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    WorkspaceReader* workspace = reader();
    if (!workspace)
        return;
    try {
        QVector<MetricPoint> points;
        for (const QString& name : names)
            points += workspace->metricSeries(runId, name, maxPoints);
        Q_EMIT seriesLoaded(runId, points);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

namespace {

QString registeredThreadName() {
    qRegisterMetaType<trainlab::RunListEntry>();
    qRegisterMetaType<QVector<trainlab::RunListEntry>>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
    return QStringLiteral("trainlab-history");
}

} // namespace

HistoryReaderHost::HistoryReaderHost(const QString& databasePath)
    : WorkerHost<HistoryReader>(registeredThreadName(), databasePath) {}

void HistoryReaderHost::loadRuns() {
    post([](HistoryReader& reader) { reader.loadRuns(); });
}

void HistoryReaderHost::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    post([runId, names, maxPoints](HistoryReader& reader) {
        reader.loadSeries(runId, names, maxPoints);
    });
}

} // namespace trainlab
