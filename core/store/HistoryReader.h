#pragma once

#include "base/WorkerHost.h"
#include "store/RunRecords.h"

#include <QObject>
#include <QVector>
#include <memory>

namespace trainlab {

class WorkspaceReader;

/// A run as the runs list shows it: the record and its last value of every metric.
struct RunListEntry {
    RunRecord run;
    QMap<QString, double> finalMetrics;
};

/// Reads history on its own thread with its own read-only connection, so the GUI never waits
/// on the database. Requests come in as queued calls (see HistoryReaderHost); results leave as
/// signals. Series are downsampled here, before they reach a plot.
class HistoryReader : public QObject {
    Q_OBJECT
public:
    explicit HistoryReader(QString databasePath);
    ~HistoryReader() override;

    void loadRuns();
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);

Q_SIGNALS:
    void runsLoaded(const QVector<trainlab::RunListEntry>& runs);
    void seriesLoaded(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void failed(const QString& message);

private:
    WorkspaceReader* reader();

    QString databasePath_;
    std::unique_ptr<WorkspaceReader> reader_;
};

/// Owns a HistoryReader and its thread.
class HistoryReaderHost : public WorkerHost<HistoryReader> {
public:
    explicit HistoryReaderHost(const QString& databasePath);

    HistoryReader* reader() const { return worker(); }
    void loadRuns();
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunListEntry)
