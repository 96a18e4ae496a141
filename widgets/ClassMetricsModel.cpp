#include "ClassMetricsModel.h"

namespace trainlab {

ClassMetricsModel::ClassMetricsModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int ClassMetricsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(classes_.size());
}

int ClassMetricsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QVariant ClassMetricsModel::value(const ClassEvaluation& row, int column) const {
    auto optional = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
    switch (Column(column)) {
    case Class:
        return row.name;
    case Precision:
        return row.precision;
    case Recall:
        return row.recall;
    case F1:
        return row.f1;
    case Support:
        return row.support;
    case RocAuc:
        return optional(row.rocAuc);
    case AveragePrecision:
        return optional(row.averagePrecision);
    case Count:
        break;
    }
    return {};
}

QVariant ClassMetricsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClassEvaluation& row = classes_[index.row()];
    const QVariant v = value(row, index.column());
    switch (role) {
    case ValueRole:
        return v;
    case Qt::DisplayRole:
        if (index.column() == Class || index.column() == Support)
            return v.toString();
        return v.isValid() ? QString::number(v.toDouble(), 'f', 4) : QStringLiteral("-");
    case Qt::TextAlignmentRole:
        return index.column() == Class ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                       : int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == RocAuc && !v.isValid())
            return tr("No ROC curve: the test split has no example of this class, or only "
                      "examples of it");
        if (index.column() == AveragePrecision && !v.isValid())
            return tr("No precision-recall curve: none was stored for this run (runs before "
                      "they were kept), or the class has no test example");
        return {};
    default:
        return {};
    }
}

QVariant ClassMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Class:
        return tr("Class");
    case Precision:
        return tr("Precision");
    case Recall:
        return tr("Recall");
    case F1:
        return tr("F1");
    case Support:
        return tr("Support");
    case RocAuc:
        return tr("ROC-AUC");
    case AveragePrecision:
        return tr("AP");
    case Count:
        break;
    }
    return {};
}

void ClassMetricsModel::setClasses(const QVector<ClassEvaluation>& classes) {
    beginResetModel();
    classes_ = classes;
    endResetModel();
}

} // namespace trainlab
