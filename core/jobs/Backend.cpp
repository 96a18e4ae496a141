#include "jobs/Backend.h"

#include "store/StoreWriter.h"

#include <QMetaObject>

namespace trainlab {

class Backend::Observer : public RunObserver {
public:
    explicit Observer(Backend& backend)
        : backend_(backend) {}
    void runCreated(qint64 runId, const QString& name) override {
        Q_EMIT backend_.runStarted(runId, name);
    }
    void metricLogged(const MetricPoint& point) override {
        backend_.pendingMetrics_.append(point);
        backend_.flushMetrics(false);
    }
    void message(qint64 runId, const QString& line) override {
        Q_EMIT backend_.runMessage(runId, line);
    }

private:
    Backend& backend_;
};

Backend::Backend(QString databasePath)
    : databasePath_(std::move(databasePath)) {}

Backend::~Backend() = default;

void Backend::flushMetrics(bool force) {
    if (pendingMetrics_.isEmpty())
        return;
    if (!force && sinceLastBatch_.isValid() &&
        sinceLastBatch_.elapsed() < 1000 / kMaxBatchesPerSecond)
        return;
    Q_EMIT metricsBatch(pendingMetrics_);
    pendingMetrics_.clear();
    sinceLastBatch_.restart();
}

void Backend::startRun(const RunRequest& request) {
    if (!writer_) {
        try {
            writer_ = std::make_unique<StoreWriter>(databasePath_);
        } catch (const std::exception& e) {
            Q_EMIT storeFailed(QString::fromUtf8(e.what()));
            Q_EMIT runFinished(0, QStringLiteral("failed"), QString::fromUtf8(e.what()));
            return;
        }
    }
    control_.cancel.store(false);
    control_.pause.store(false);
    Observer observer(*this);
    const RunResult result = executeRun(request, *writer_, control_, observer);
    flushMetrics(true);
    writer_->flush();
    Q_EMIT runFinished(result.runId, runStatusName(result.status), result.error);
}

BackendHost::BackendHost(const QString& databasePath) {
    registerSessionMetaTypes();
    backend_ = new Backend(databasePath);
    backend_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, backend_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("trainlab-backend"));
    thread_.start();
}

BackendHost::~BackendHost() {
    backend_->requestCancel();
    thread_.requestInterruption();
    thread_.quit();
    thread_.wait();
}

void BackendHost::startRun(const RunRequest& request) {
    QMetaObject::invokeMethod(backend_, "startRun", Qt::QueuedConnection,
                              Q_ARG(trainlab::RunRequest, request));
}

void registerSessionMetaTypes() {
    qRegisterMetaType<trainlab::RunRequest>();
    qRegisterMetaType<trainlab::MetricPoint>();
    qRegisterMetaType<QVector<trainlab::MetricPoint>>();
}

} // namespace trainlab
