#include "RunsTableModel.h"

#include <QBrush>
#include <QColor>

namespace trainlab {

namespace {

QVariant metricCell(const RunListEntry& entry, const QString& name) {
    if (!entry.finalMetrics.contains(name))
        return {};
    return QString::number(entry.finalMetrics.value(name), 'f', 4);
}

QColor statusColor(RunStatus status) {
    switch (status) {
    case RunStatus::Completed:
        return QColor(0x2e, 0x7d, 0x32);
    case RunStatus::Running:
        return QColor(0x15, 0x65, 0xc0);
    case RunStatus::Failed:
    case RunStatus::Interrupted:
        return QColor(0xc6, 0x28, 0x28);
    default:
        return QColor(0x61, 0x61, 0x61);
    }
}

} // namespace

RunsTableModel::RunsTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(runs_.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunListEntry& entry = runs_[index.row()];
    const RunRecord& run = entry.run;
    if (role == RunIdRole)
        return run.id;
    if (role == Qt::ForegroundRole && index.column() == Status)
        return QBrush(statusColor(run.status));
    if (role == Qt::ToolTipRole && index.column() == Cost)
        return run.energyJ ? tr("Energy %1 J (%2)")
                                 .arg(QString::number(*run.energyJ, 'g', 4), run.energySource)
                           : QVariant();
    if (role == Qt::ToolTipRole && !run.error.isEmpty())
        return run.error;
    if (role == Qt::TextAlignmentRole && index.column() != Name && index.column() != Status)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Id:
        return run.id;
    case Name:
        return run.name;
    case Status:
        return runStatusName(run.status);
    case ValAccuracy:
        return metricCell(entry, QStringLiteral("val_accuracy"));
    case TestAccuracy:
        return metricCell(entry, QStringLiteral("test_accuracy"));
    case Started:
        return run.started.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
    case DeviceHours:
        return run.deviceHours ? QVariant(QString::number(*run.deviceHours * 3600.0, 'f', 1) +
                                          QStringLiteral(" s"))
                               : QVariant();
    case Cost:
        // Empty until the run ends, or when no price is set: never a made-up zero.
        return run.cost ? QVariant(QString::number(*run.cost, 'g', 3)) : QVariant();
    case Count:
        break;
    }
    return {};
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Run");
    case Name:
        return tr("Name");
    case Status:
        return tr("Status");
    case ValAccuracy:
        return tr("Val acc.");
    case TestAccuracy:
        return tr("Test acc.");
    case Started:
        return tr("Started (UTC)");
    case DeviceHours:
        return tr("Device time");
    case Cost:
        return tr("Cost");
    case Count:
        break;
    }
    return {};
}

void RunsTableModel::setRuns(const QVector<RunListEntry>& runs) {
    const bool sameIds =
        runs.size() == runs_.size() && std::equal(runs.begin(), runs.end(), runs_.begin(),
                                                  [](const RunListEntry& a, const RunListEntry& b) {
                                                      return a.run.id == b.run.id;
                                                  });
    if (sameIds) {
        runs_ = runs;
        if (!runs_.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(runs_.size()) - 1, Count - 1));
        return;
    }
    beginResetModel();
    runs_ = runs;
    endResetModel();
}

qint64 RunsTableModel::runIdAt(int row) const {
    return row >= 0 && row < runs_.size() ? runs_[row].run.id : 0;
}

const RunRecord* RunsTableModel::runAt(int row) const {
    return row >= 0 && row < runs_.size() ? &runs_[row].run : nullptr;
}

int RunsTableModel::rowOf(qint64 runId) const {
    for (int row = 0; row < runs_.size(); ++row) {
        if (runs_[row].run.id == runId)
            return row;
    }
    return -1;
}

} // namespace trainlab
