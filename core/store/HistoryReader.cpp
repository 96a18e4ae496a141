#include "store/HistoryReader.h"

#include "store/Database.h"
#include "store/RunQueries.h"

#include <QMetaObject>

namespace trainlab {

HistoryReader::HistoryReader(QString databasePath)
    : databasePath_(std::move(databasePath)) {}

HistoryReader::~HistoryReader() = default;

Database* HistoryReader::connection() {
    if (!db_) {
        try {
            db_ = std::make_unique<Database>(databasePath_, Database::Mode::ReadOnly);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromUtf8(e.what()));
            return nullptr;
        }
    } else if (db_->walReplaced()) {
        try {
            db_->reconnect(); // this process lost its locks: read through a fresh connection
        } catch (const std::exception& e) {
            db_.reset();
            Q_EMIT failed(QString::fromUtf8(e.what()));
            return nullptr;
        }
    }
    return db_.get();
}

void HistoryReader::loadRuns() {
    Database* db = connection();
    if (!db)
        return;
    try {
        QVector<RunListEntry> entries;
        for (RunRecord& run : runs::list(*db)) {
            RunListEntry entry;
            entry.finalMetrics = runs::metricSummary(*db, run.id).final;
            entry.run = std::move(run);
            entries.append(std::move(entry));
        }
        Q_EMIT runsLoaded(entries);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void HistoryReader::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    Database* db = connection();
    if (!db)
        return;
    try {
        QVector<MetricPoint> points;
        for (const QString& name : names)
            points += runs::metricSeries(*db, runId, name, maxPoints);
        Q_EMIT seriesLoaded(runId, points);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

HistoryReaderHost::HistoryReaderHost(const QString& databasePath) {
    qRegisterMetaType<trainlab::RunListEntry>();
    qRegisterMetaType<QVector<trainlab::RunListEntry>>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
    reader_ = new HistoryReader(databasePath);
    reader_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, reader_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("trainlab-history"));
    thread_.start();
}

HistoryReaderHost::~HistoryReaderHost() {
    thread_.quit();
    thread_.wait();
}

void HistoryReaderHost::loadRuns() {
    QMetaObject::invokeMethod(reader_, &HistoryReader::loadRuns, Qt::QueuedConnection);
}

void HistoryReaderHost::loadSeries(qint64 runId, const QStringList& names, int maxPoints) {
    QMetaObject::invokeMethod(
        reader_,
        [reader = reader_, runId, names, maxPoints] {
            reader->loadSeries(runId, names, maxPoints);
        },
        Qt::QueuedConnection);
}

} // namespace trainlab
