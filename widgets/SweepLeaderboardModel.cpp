#include "SweepLeaderboardModel.h"

#include "base/RunStatus.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace trainlab {

SweepLeaderboardModel::SweepLeaderboardModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void SweepLeaderboardModel::setSweep(const SweepSummary& sweep) {
    beginResetModel();
    sweep_ = sweep;
    order_ = leaderboardOrder(sweep_);
    ranks_.clear();
    int rank = 0;
    for (int index : order_)
        if (sweep_.objectiveValue(sweep_.trials[index]))
            ranks_.insert(index, ++rank);
    fields_.clear();
    for (const SweepObjective& o : sweep_.objectives)
        if (!fields_.contains(o.metric))
            fields_ << o.metric;
    for (const QString& p : sweep_.params)
        if (!fields_.contains(p))
            fields_ << p;
    rebuildRows();
    endResetModel();
}

void SweepLeaderboardModel::setShownTrials(const std::optional<QSet<int>>& trials) {
    beginResetModel();
    shown_ = trials;
    rebuildRows();
    endResetModel();
}

void SweepLeaderboardModel::rebuildRows() {
    rows_.clear();
    for (int index : order_)
        if (!shown_ || shown_->contains(sweep_.trials[index].trial))
            rows_.append(index);
}

const SweepTrialPoint* SweepLeaderboardModel::trialAt(int row) const {
    return row >= 0 && row < rows_.size() ? &sweep_.trials[rows_[row]] : nullptr;
}

QString SweepLeaderboardModel::fieldAt(int column) const {
    const int field = column - Count;
    return field >= 0 && field < fields_.size() ? fields_[field] : QString();
}

int SweepLeaderboardModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int SweepLeaderboardModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count + int(fields_.size());
}

QVariant SweepLeaderboardModel::data(const QModelIndex& index, int role) const {
    const SweepTrialPoint* trial = trialAt(index.row());
    if (!trial)
        return {};
    const int column = index.column();
    if (role == Qt::ForegroundRole && trial->status != RunStatus::Completed)
        return QBrush(trial->status == RunStatus::Failed ? QColor(0xb0, 0x20, 0x20)
                                                         : QColor(0x70, 0x70, 0x70));
    if (role == Qt::ToolTipRole && !trial->error.isEmpty())
        return trial->error;
    if (role == Qt::TextAlignmentRole && column != Status)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && column == Rank && ranks_.value(rows_[index.row()]) == 1) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    // EditRole: the sortable, exportable value; DisplayRole: the text a person reads.
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (column) {
    case Rank: {
        const int rank = ranks_.value(rows_[index.row()]);
        return rank > 0 ? QVariant(rank) : QVariant();
    }
    case Trial:
        return trial->trial;
    case Run:
        return trial->run;
    case Status:
        return runStatusName(trial->status);
    default:
        break;
    }
    const QString field = fieldAt(column);
    const auto param = trial->params.constFind(field);
    if (param != trial->params.constEnd()) {
        if (role == Qt::DisplayRole && param->typeId() == QMetaType::Double)
            return QString::number(param->toDouble(), 'g', 4);
        return *param;
    }
    const auto metric = trial->metrics.constFind(field);
    if (metric == trial->metrics.constEnd())
        return {};
    return role == Qt::DisplayRole ? QVariant(QString::number(*metric, 'g', 5)) : QVariant(*metric);
}

QVariant SweepLeaderboardModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section >= Count) {
        const QString field = fieldAt(section);
        for (const SweepObjective& o : sweep_.objectives)
            if (o.metric == field)
                return tr("Objective: %1 (%2)")
                    .arg(field, o.maximize ? tr("higher is better") : tr("lower is better"));
        return tr("Parameter %1").arg(field);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Rank:
        return tr("Rank");
    case Trial:
        return tr("Trial");
    case Run:
        return tr("Run");
    case Status:
        return tr("Status");
    default:
        return fieldAt(section);
    }
}

} // namespace trainlab
