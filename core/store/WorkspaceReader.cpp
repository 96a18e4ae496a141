#include "store/WorkspaceReader.h"

#include "store/RunEvaluation.h"

#include <sqlite3.h>

#include "base/Errors.h"
#include "store/sql/CompareQueries.h"
#include "store/sql/Database.h"
#include "store/sql/PreflightQueries.h"
#include "store/sql/Reports.h"
#include "store/sql/RunQueries.h"
#include "store/sql/RunTableQueries.h"
#include "store/sql/SettingsQueries.h"
#include "store/sql/SweepQueries.h"

#include <QFileInfo>
#include <algorithm>

namespace trainlab {

WorkspaceReader::WorkspaceReader(const QString& path)
    : path_(path) {
    try {
        prepareWorkspace(path);
    } catch (const StoreError&) {
        // Read-only, locked or on a full disk: it may still be read as it is. A file that
        // cannot even be read fails below, with the reason.
    }
    db_ = std::make_unique<Database>(path, Database::Mode::ReadOnly);
}

WorkspaceReader::~WorkspaceReader() = default;

Database& WorkspaceReader::db() {
    if (db_->walReplaced())
        db_->reconnect(); // this process lost its locks: read through a fresh connection
    return *db_;
}

std::vector<RunRecord> WorkspaceReader::runs() {
    return runs::list(db());
}

std::optional<RunRecord> WorkspaceReader::run(qint64 id) {
    return runs::find(db(), id);
}

std::vector<RunRecord> WorkspaceReader::unfinishedRuns() {
    return runs::unfinished(db());
}

RunTableIndex WorkspaceReader::runTableIndex(const RunTableQuery& query) {
    return runtable::index(db(), query);
}

QVector<RunTableRow> WorkspaceReader::runTableRows(const QVector<qint64>& ids,
                                                   const QStringList& params) {
    return runtable::rows(db(), ids, params);
}

RunColumnCatalog WorkspaceReader::runColumnCatalog() {
    return runtable::catalog(db());
}

QString WorkspaceReader::runsSignature() {
    return runs::listSignature(db());
}

QStringList WorkspaceReader::metricNames(qint64 run) {
    return runs::metricNames(db(), run);
}

MetricSnapshot WorkspaceReader::metricSnapshot(qint64 run, const QStringList& names,
                                               int maxPoints) {
    Transaction snapshot(db(), /*immediate=*/false);
    MetricSnapshot result;
    result.lastRow = runs::lastMetricRow(db(), run);
    for (const QString& name : names)
        result.points += runs::metricSeries(db(), run, name, maxPoints);
    snapshot.commit();
    return result;
}

MetricSnapshot WorkspaceReader::metricsAfter(qint64 run, const QStringList& names,
                                             qint64 afterRow) {
    MetricSnapshot result;
    result.lastRow = afterRow;
    result.points = runs::metricsAfter(db(), run, names, afterRow, result.lastRow);
    return result;
}

QVector<SystemSample> WorkspaceReader::systemSamples(qint64 run, double afterTime) {
    return runs::systemSamples(db(), run, afterTime);
}

QVector<MetricPoint> WorkspaceReader::metricSeries(qint64 run, const QString& name, int maxPoints) {
    return runs::metricSeries(db(), run, name, maxPoints);
}

std::vector<RunListLine> WorkspaceReader::runLines(const QString& metric) {
    return runs::listLines(db(), metric);
}

RunMetricSummary WorkspaceReader::metricSummary(qint64 run) {
    return runs::metricSummary(db(), run);
}

RunComparison WorkspaceReader::comparison(const QList<qint64>& runs) {
    Transaction snapshot(db(), /*immediate=*/false);
    RunComparison result;
    std::vector<RunRecord> found = runs::findAll(db(), runs);
    for (const qint64 id : runs) {
        const auto it = std::find_if(found.begin(), found.end(),
                                     [id](const RunRecord& run) { return run.id == id; });
        if (it == found.end())
            throw InputError(QStringLiteral("%1: no run %2").arg(path_).arg(id));
        result.runs.push_back(*it);
    }
    const auto stored = compare::summaries(db(), runs);
    QVector<QMap<QString, StoredSummary>> byRun;
    result.energyRecorded = !runs.isEmpty();
    for (const qint64 id : runs) {
        byRun.append(stored.value(id));
        result.energyRecorded =
            result.energyRecorded && byRun.last().contains(QStringLiteral("energy_j"));
    }
    result.metrics = compareMetrics(byRun, compare::objectiveGoals(db(), runs));
    result.differences = configDifferences(result.runs);
    result.systemSeries = compare::recordedSystemSeries(db(), runs);
    snapshot.commit();
    return result;
}

QVector<RunCurve> WorkspaceReader::curves(const QList<qint64>& runs, const QStringList& names) {
    return compare::curves(db(), runs, names);
}

QVector<RunCurve> WorkspaceReader::systemCurves(const QList<qint64>& runs) {
    return compare::systemCurves(db(), runs);
}

std::optional<QJsonObject> WorkspaceReader::artifact(qint64 run, const QString& kind) {
    return runs::artifact(db(), run, kind);
}

std::vector<CheckpointRecord> WorkspaceReader::checkpoints(qint64 run) {
    return runs::checkpoints(db(), run);
}

QJsonObject WorkspaceReader::runReport(const RunRecord& run) {
    QJsonObject report = reports::run(db(), run);
    if (const RunEvaluation evaluation = readRunEvaluation(*this, run); evaluation.available())
        report.insert(QStringLiteral("evaluation"), evaluationToJson(evaluation));
    return report;
}

QJsonArray WorkspaceReader::runList() {
    QJsonArray array;
    // Without the evaluation: its artifacts would be read and parsed for every run listed.
    for (const RunRecord& run : runs())
        array.append(reports::run(db(), run));
    return array;
}

std::vector<SweepRecord> WorkspaceReader::sweeps() {
    return sweeps::list(db());
}

std::optional<SweepRecord> WorkspaceReader::sweep(qint64 id) {
    return sweeps::find(db(), id);
}

std::vector<TrialRecord> WorkspaceReader::trials(qint64 sweep) {
    return sweeps::trials(db(), sweep);
}

QJsonObject WorkspaceReader::sweepReport(const SweepRecord& sweep) {
    return reports::sweep(db(), sweep);
}

std::vector<PreflightRecord> WorkspaceReader::preflightResults(const QString& kind) {
    return preflight::list(db(), kind);
}

QMap<QString, QString> WorkspaceReader::settings() {
    return settings::all(db());
}

void prepareWorkspace(const QString& path) {
    Database open(path, Database::Mode::ReadWrite);
}

bool isWorkspaceFile(const QString& path, const QString& workspacePath) {
    // Canonical where the file exists (a link to the workspace is the workspace).
    const auto normal = [](const QString& p) {
        const QFileInfo info(p);
        return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
    };
    const QString workspace = normal(workspacePath);
    const QString target = normal(path);
    return target == workspace ||
           (target.startsWith(workspace + QLatin1Char('-')) &&
            QStringList{QStringLiteral("wal"), QStringLiteral("shm"), QStringLiteral("journal")}
                .contains(target.mid(workspace.size() + 1)));
}

QString defaultWorkspacePath() {
    return Database::defaultPath();
}

} // namespace trainlab

namespace trainlab {

QString sqliteVersion() {
    return QString::fromLatin1(sqlite3_libversion());
}

} // namespace trainlab
