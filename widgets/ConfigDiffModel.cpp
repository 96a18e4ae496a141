#include "ConfigDiffModel.h"

#include <QColor>

namespace trainlab {

ConfigDiffModel::ConfigDiffModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ConfigDiffModel::setDifferences(const QStringList& headers,
                                     const QVector<ConfigDifference>& differences) {
    beginResetModel();
    headers_ = headers;
    differences_ = differences;
    endResetModel();
}

int ConfigDiffModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(differences_.size());
}

int ConfigDiffModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count + int(headers_.size());
}

QVariant ConfigDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const ConfigDifference& difference = differences_[index.row()];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (index.column() == Field)
            return difference.field;
        return difference.values.value(index.column() - Count, RunComparison::kMissing);
    }
    if (role == Qt::ForegroundRole && index.column() >= Count &&
        difference.values.value(index.column() - Count) == RunComparison::kMissing)
        return QColor(Qt::gray);
    return {};
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == Field)
        return tr("Field");
    return headers_.value(section - Count);
}

} // namespace trainlab
