// How the runs table shows a row: a run's cells (from its page, or a placeholder until the page
// arrives), a sweep's row, the headers.
#include "RunColumns.h"
#include "RunsTreeModel.h"

#include "base/MetricPoint.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace trainlab {

namespace {

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

QVariant numberText(const std::optional<double>& value, char format, int precision,
                    const QString& unit = {}) {
    if (!value)
        return {};
    return QString(QString::number(*value, format, precision) + unit);
}

} // namespace

QVariant RunsTreeModel::runData(qint64 runId, int column, int role) const {
    switch (role) {
    case RunIdRole:
        return runId;
    case SweepIdRole:
        return places_.value(runId).sweep;
    case Qt::TextAlignmentRole:
        if (column == Name || column == Status || column == Tags || column == Note)
            return {};
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::DisplayRole:
        if (column == Id)
            return runId; // known from the order, before the row arrives
        break;
    case Qt::ToolTipRole:
    case Qt::ForegroundRole:
    case LoadedRole:
        break;
    default:
        return {};
    }
    const CachedRow* cached = fetch(runId);
    const bool loaded = cached && !cached->missing;
    if (role == LoadedRole)
        return loaded;
    if (!loaded) {
        if (role == Qt::ForegroundRole)
            return QBrush(QColor(0x9e, 0x9e, 0x9e));
        return role == Qt::DisplayRole && column == Name ? QVariant(QStringLiteral("…"))
                                                         : QVariant();
    }
    const RunTableRow& row = cached->data;
    const RunRecord& run = row.run;
    if (role == Qt::ForegroundRole)
        return column == Status ? QVariant(QBrush(statusColor(run.status))) : QVariant();
    if (role == Qt::ToolTipRole) {
        if (column == Note && !run.note.isEmpty())
            return run.note;
        if ((column == Cost || column == Energy) && run.energyJ)
            return tr("Energy %1 J (%2)")
                .arg(QString::number(*run.energyJ, 'g', 4), run.energySource);
        return run.error.isEmpty() ? QVariant() : QVariant(run.error);
    }
    switch (column) {
    case Name:
        return run.name;
    case Status:
        return runStatusName(run.status);
    case Tags:
        return run.tags.join(QStringLiteral(", "));
    case Note:
        return run.note.section(QLatin1Char('\n'), 0, 0);
    case Started:
        return QString(run.started.left(19)).replace(QLatin1Char('T'), QLatin1Char(' '));
    case DeviceTime:
        return run.deviceHours ? numberText(*run.deviceHours * 3600.0, 'f', 1, QStringLiteral(" s"))
                               : QVariant();
    case Energy:
        return numberText(run.energyJ, 'g', 4, QStringLiteral(" J"));
    case Cost:
        // Empty until the run ends, or when no price is set: never a made-up zero.
        return numberText(run.cost, 'g', 3);
    default:
        break;
    }
    const RunColumn extra = RunColumn::parse(extraColumns_.value(column - Count));
    switch (extra.kind) {
    case RunColumn::Kind::Param:
        return formatRunValue(row.params.value(extra.name));
    case RunColumn::Kind::Final:
        return row.final.contains(extra.name) ? formatRunValue(row.final.value(extra.name))
                                              : QVariant();
    case RunColumn::Kind::Best:
        return row.best.contains(extra.name) ? formatRunValue(row.best.value(extra.name))
                                             : QVariant();
    case RunColumn::Kind::Invalid:
        break;
    }
    return {};
}

QVariant RunsTreeModel::sweepData(const Node& node, int column, int role) const {
    const RunTableSweep sweep = sweeps_.value(node.sweepId);
    switch (role) {
    case SweepIdRole:
        return node.sweepId;
    case RunIdRole:
        return qint64(0);
    case LoadedRole:
        return true;
    case Qt::FontRole: {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    case Qt::ForegroundRole:
        return column == Status ? QVariant(QBrush(statusColor(sweep.status))) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case Id:
        return tr("sweep %1").arg(node.sweepId);
    case Name:
        return tr("%1 (%n trial(s))", nullptr, int(node.children.size()))
            .arg(sweep.name.isEmpty() ? tr("sweep %1").arg(node.sweepId) : sweep.name);
    case Status:
        return sweep.status == RunStatus::Invalid ? QVariant() : runStatusName(sweep.status);
    default:
        return {};
    }
}

QVariant RunsTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    if (role == Qt::InitialSortOrderRole) {
        // A first click shows the newest runs, or the best values, first.
        const RunSortKey key = sortKeyOf(section, Qt::AscendingOrder);
        const bool newest = key.kind == RunSortKey::Kind::Field &&
                            (key.field == RunField::Id || key.field == RunField::Started);
        const bool metric =
            key.kind == RunSortKey::Kind::Final || key.kind == RunSortKey::Kind::Best;
        const bool higherFirst = metric && metricHigherIsBetter(key.name).value_or(true);
        return int(newest || higherFirst ? Qt::DescendingOrder : Qt::AscendingOrder);
    }
    if (section >= Count) {
        const RunColumn column = RunColumn::parse(extraColumns_.value(section - Count));
        if (role == Qt::DisplayRole)
            return column.title();
        if (role == Qt::ToolTipRole)
            return column.description();
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Run");
    case Name:
        return tr("Name");
    case Status:
        return tr("Status");
    case Tags:
        return tr("Tags");
    case Note:
        return tr("Note");
    case Started:
        return tr("Started (UTC)");
    case DeviceTime:
        return tr("Device time");
    case Energy:
        return tr("Energy");
    case Cost:
        return tr("Cost");
    case Count:
        break;
    }
    return {};
}

} // namespace trainlab
