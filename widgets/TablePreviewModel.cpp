#include "TablePreviewModel.h"

namespace trainlab {

TablePreviewModel::TablePreviewModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void TablePreviewModel::setTable(const QStringList& header, const QList<QStringList>& rows) {
    beginResetModel();
    header_ = header;
    rows_ = rows;
    endResetModel();
}

int TablePreviewModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int TablePreviewModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(header_.size());
}

QVariant TablePreviewModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        role != Qt::DisplayRole)
        return {};
    return rows_[index.row()].value(index.column());
}

QVariant TablePreviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    return header_.value(section);
}

} // namespace trainlab
