#pragma once

#include "store/RunRecords.h"

#include <QObject>
#include <QThread>
#include <QVector>
#include <memory>

namespace trainlab {

class Database;

/// A run as the runs list shows it: the record and its last value of every metric.
struct RunListEntry {
    RunRecord run;
    QMap<QString, double> finalMetrics;
};

/// Reads history on its own thread with its own read-only connection, so the GUI never waits
/// on the database. Requests come in as queued slot calls; results leave as signals. Series
/// are downsampled here, before they reach a plot.
class HistoryReader : public QObject {
    Q_OBJECT
public:
    explicit HistoryReader(QString databasePath);
    ~HistoryReader() override;

public Q_SLOTS:
    void loadRuns();
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);

Q_SIGNALS:
    void runsLoaded(const QVector<trainlab::RunListEntry>& runs);
    void seriesLoaded(qint64 runId, const QVector<trainlab::MetricPoint>& points);
    void failed(const QString& message);

private:
    Database* connection();

    QString databasePath_;
    std::unique_ptr<Database> db_;
};

/// Owns a HistoryReader and its thread.
class HistoryReaderHost {
public:
    explicit HistoryReaderHost(const QString& databasePath);
    ~HistoryReaderHost();
    HistoryReaderHost(const HistoryReaderHost&) = delete;
    HistoryReaderHost& operator=(const HistoryReaderHost&) = delete;

    HistoryReader* reader() const { return reader_; }
    void loadRuns();
    void loadSeries(qint64 runId, const QStringList& names, int maxPoints);

private:
    QThread thread_;
    HistoryReader* reader_ = nullptr;
};

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunListEntry)
