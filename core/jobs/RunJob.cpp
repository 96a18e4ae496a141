#include "jobs/RunJob.h"

#include "base/Errors.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "parallel/Devices.h"
#include "spec/SpecJson.h"
#include "store/Database.h"
#include "store/RunQueries.h"
#include "store/StoreWriter.h"
#include "telemetry/RaplEnergyMeter.h"
#include "train/Trainer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <chrono>

namespace trainlab {

namespace {

double nowSeconds() {
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

void storeArtifact(StoreWriter& writer, qint64 run, const QString& kind,
                   const QJsonObject& payload) {
    writer.call([&](Database& db) {
        Statement insert(db, "INSERT INTO artifacts(run, kind, payload, created) "
                             "VALUES(?, ?, ?, ?)");
        insert.bind(1, run)
            .bind(2, kind)
            .bind(3, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)))
            .bind(4, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
            .run();
        return 0;
    });
}

// Each workspace has its own folder, so two workspaces side by side never share `run-1`.
QString checkpointDirectory(const QString& databasePath, qint64 runId) {
    return Database::workspaceFolder(databasePath) +
           QStringLiteral("/checkpoints/run-%1").arg(runId);
}

QString lastCheckpoint(Database& db, qint64 runId) {
    Statement select(db, "SELECT path FROM checkpoints WHERE run = ? AND is_best = 0 "
                         "ORDER BY id DESC LIMIT 1");
    select.bind(1, runId);
    return select.step() ? select.text(0) : QString();
}

void storeCheckpoint(StoreWriter& writer, qint64 run, int64_t step, double epoch,
                     const QString& path, bool best, const QString& metric, double value) {
    writer.call([&](Database& db) {
        Transaction transaction(db);
        // One row per kind: the newest file replaces the older one on disk too.
        Statement remove(db, "DELETE FROM checkpoints WHERE run = ? AND is_best = ?");
        remove.bind(1, run).bind(2, qint64(best)).run();
        Statement insert(db, "INSERT INTO checkpoints(run, step, epoch, path, metric, value, "
                             "is_best, created) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, run)
            .bind(2, qint64(step))
            .bind(3, epoch)
            .bind(4, path)
            .bind(5, metric.isEmpty() ? QVariant() : QVariant(metric))
            .bind(6, metric.isEmpty() ? QVariant() : QVariant(value))
            .bind(7, qint64(best))
            .bind(8, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
            .run();
        transaction.commit();
        return 0;
    });
}

} // namespace

QString specHash(const ExperimentSpec& spec) {
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(specToJson(spec)).toJson(QJsonDocument::Compact),
                                 QCryptographicHash::Sha1)
            .toHex());
}

RunRequest resumeRequest(const QString& databasePath, qint64 runId) {
    Database db(databasePath, Database::Mode::ReadWrite);
    const auto run = runs::find(db, runId);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(databasePath).arg(runId));
    if (run->status == RunStatus::Completed || run->status == RunStatus::Running ||
        run->status == RunStatus::Queued)
        throw InputError(QStringLiteral("run %1 is %2; only cancelled, interrupted or failed runs "
                                        "can be resumed")
                             .arg(runId)
                             .arg(runStatusName(run->status)));
    if (lastCheckpoint(db, runId).isEmpty())
        throw InputError(QStringLiteral("run %1 has no checkpoint to resume from (it stopped "
                                        "before its first one)")
                             .arg(runId));
    RunRequest request;
    request.spec = specFromJson(QJsonDocument::fromJson(run->spec.toUtf8()).object(),
                                QStringLiteral("run %1's spec").arg(runId));
    request.params = run->params;
    request.resumeRun = runId;
    return request;
}

RunResult executeRun(const RunRequest& request, StoreWriter& writer, RunControl& control,
                     RunObserver& observer) {
    RunResult result;
    const ExperimentSpec& spec = request.spec;
    const QString specJson =
        QString::fromUtf8(QJsonDocument(specToJson(spec)).toJson(QJsonDocument::Compact));
    QString resumeFrom;
    QString workspaceId;
    QString checkpointDir;
    try {
        if (request.resumeRun > 0) {
            result.runId = request.resumeRun;
            std::tie(resumeFrom, workspaceId, checkpointDir) = writer.call([&](Database& db) {
                const auto run = runs::find(db, request.resumeRun);
                QString dir = run ? run->checkpointDir : QString();
                if (dir.isEmpty()) // a run from before workspaces had their own folder
                    dir = checkpointDirectory(writer.path(), request.resumeRun);
                return std::make_tuple(lastCheckpoint(db, request.resumeRun), db.workspaceId(),
                                       dir);
            });
        } else {
            RunRecord record;
            record.name = spec.name;
            record.params = request.params;
            record.spec = specJson;
            record.id = writer.call([&](Database& db) {
                Transaction transaction(db);
                record.experiment = runs::createExperiment(db, spec.name, specJson);
                const qint64 id = runs::createRun(db, record);
                checkpointDir = checkpointDirectory(writer.path(), id);
                runs::setCheckpointDirectory(db, id, checkpointDir);
                workspaceId = db.workspaceId();
                transaction.commit();
                return id;
            });
            result.runId = record.id;
        }
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.error = QString::fromUtf8(e.what());
        return result;
    }
    observer.runCreated(result.runId, spec.name);

    const auto started = std::chrono::steady_clock::now();
    RaplEnergyMeter energy;
    QStringList devices;
    TrainOutcome outcome;
    try {
        devices = resolveDevices(spec.devices);
        if (devices.size() > 1)
            throw InputError(QStringLiteral("devices: training on %1 devices at once needs "
                                            "data-parallel support, which this build does not "
                                            "have yet; name one device")
                                 .arg(devices.size()));
        writer.call([&](Database& db) {
            runs::markRunning(db, result.runId, devices.join(QLatin1Char(',')));
            return 0;
        });
        observer.message(result.runId, QStringLiteral("run %1 (%2) on %3")
                                           .arg(result.runId)
                                           .arg(spec.name, devices.join(QLatin1Char(','))));
        const DatasetCache cache;
        const DatasetSplits data = buildDataset(spec.dataset, spec.training.seed, &cache);
        observer.message(result.runId,
                         QStringLiteral("data: %1 train, %2 validation, %3 test%4")
                             .arg(data.train.size())
                             .arg(data.validation.size())
                             .arg(data.test.size())
                             .arg(data.fromCache ? QStringLiteral(" (cached)") : QString()));
        if (data.normalization.enabled())
            storeArtifact(writer, result.runId, QStringLiteral("normalization"),
                          normalizationToJson(data.normalization));
        TrainerCallbacks callbacks;
        callbacks.metric = [&](int64_t step, double epoch, const QString& name, double value) {
            const MetricPoint point{result.runId, step, epoch, name, value, nowSeconds()};
            writer.appendMetric(point);
            observer.metricLogged(point);
        };
        callbacks.message = [&](const QString& line) { observer.message(result.runId, line); };
        callbacks.artifact = [&](const QString& kind, const QJsonObject& payload) {
            storeArtifact(writer, result.runId, kind, payload);
        };
        callbacks.checkpoint = [&](int64_t step, double epoch, const QString& path, bool best,
                                   const QString& metric, double value) {
            storeCheckpoint(writer, result.runId, step, epoch, path, best, metric, value);
        };
        TrainerOptions options{devices.first(), checkpointDir, resumeFrom,
                               CheckpointOwner{specHash(spec), workspaceId, result.runId}};
        outcome = Trainer(spec, data, control, std::move(callbacks), options).run();
        result.status = outcome.status;
    } catch (const InputError& e) {
        result.status = RunStatus::Failed;
        result.error = e.message();
    } catch (const std::exception& e) {
        // LibTorch reports shape and type problems as c10::Error; its first line is the message.
        result.status = RunStatus::Failed;
        result.error = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
    }

    const double hours =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 3600.0;
    RunRecord final;
    final.id = result.runId;
    final.status = result.status;
    final.error = result.error;
    final.energyJ = energy.joulesSinceStart();
    final.deviceHours = hours * double(std::max<qsizetype>(1, devices.size()));
    try {
        writer.call([&](Database& db) {
            runs::finish(db, final);
            return 0;
        });
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.error += QStringLiteral(" (and its final state could not be stored: %1)")
                            .arg(QString::fromUtf8(e.what()));
    }
    observer.message(
        result.runId,
        QStringLiteral("run %1 %2%3")
            .arg(result.runId)
            .arg(runStatusName(result.status),
                 result.error.isEmpty() ? QString() : QStringLiteral(": ") + result.error));
    return result;
}

} // namespace trainlab
