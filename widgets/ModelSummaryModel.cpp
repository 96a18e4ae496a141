#include "ModelSummaryModel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace trainlab {

ModelSummaryModel::ModelSummaryModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ModelSummaryModel::setRows(std::vector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int ModelSummaryModel::problemRow() const {
    for (size_t i = 0; i < rows_.size(); ++i) {
        if (!rows_[i].problem.isEmpty())
            return int(i);
    }
    return -1;
}

int ModelSummaryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int ModelSummaryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QVariant ModelSummaryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[size_t(index.row())];
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        if (column == Layer)
            return QString(QString(2 * row.depth, QLatin1Char(' ')) + row.type);
        if (!row.analyzed)
            return column == Output && !row.problem.isEmpty() ? tr("does not fit")
                                                              : QStringLiteral("—");
        switch (column) {
        case Output:
            return row.output;
        case Parameters:
            return QLocale().toString(row.parameters);
        case Flops:
            return countText(row.flops);
        case Activations:
            return bytesText(double(row.activationBytes));
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return row.problem.isEmpty() ? row.path : row.problem;
    case Qt::TextAlignmentRole:
        return column == Layer || column == Output ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        return row.problem.isEmpty() ? QVariant() : QBrush(QColor(255, 205, 205));
    case Qt::ForegroundRole:
        if (!row.problem.isEmpty())
            return QBrush(QColor(140, 0, 0));
        return row.analyzed ? QVariant() : QBrush(QColor(128, 128, 128));
    default:
        return {};
    }
}

QVariant ModelSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (Column(section)) {
    case Layer:
        return tr("Layer");
    case Output:
        return tr("Output shape");
    case Parameters:
        return tr("Parameters");
    case Flops:
        return tr("FLOPs / sample");
    case Activations:
        return tr("Activations / batch");
    case Count:
        break;
    }
    return {};
}

QString ModelSummaryModel::bytesText(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    return QString::number(bytes, 'f', unit ? 1 : 0) + QLatin1Char(' ') +
           QLatin1String(units[unit]);
}

QString ModelSummaryModel::countText(double count) {
    const char* units[] = {"", " k", " M", " G", " T"};
    int unit = 0;
    while (count >= 1000 && unit < 4) {
        count /= 1000;
        ++unit;
    }
    return QString::number(count, 'f', unit ? 1 : 0) + QLatin1String(units[unit]);
}

} // namespace trainlab
