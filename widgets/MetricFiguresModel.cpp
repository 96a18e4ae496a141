#include "MetricFiguresModel.h"

#include <QFont>

namespace trainlab {

MetricFiguresModel::MetricFiguresModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void MetricFiguresModel::setMetrics(const QStringList& headers,
                                    const QVector<ComparedMetric>& metrics) {
    beginResetModel();
    headers_ = headers;
    metrics_ = metrics;
    rows_.clear();
    for (qsizetype index = 0; index < metrics_.size(); ++index) {
        const ComparedMetric& metric = metrics_[index];
        for (const bool best : {false, true}) {
            if (best && !metric.higherIsBetter)
                continue; // lr, step time: no better or worse
            // A running total (energy so far) is at its least on the first step: its "best"
            // says nothing, its final value is what the run used.
            if (best && metric.name == QLatin1String("energy_j"))
                continue;
            Row row{index, best, -1};
            if (metric.higherIsBetter) {
                std::optional<double> leading;
                for (qsizetype run = 0; run < metric.figures.size(); ++run) {
                    const auto v = best ? metric.figures[run].best : metric.figures[run].final;
                    if (v &&
                        (!leading || (*metric.higherIsBetter ? *v > *leading : *v < *leading))) {
                        leading = v;
                        row.leader = int(run);
                    }
                }
            }
            rows_.append(row);
        }
    }
    endResetModel();
}

std::optional<double> MetricFiguresModel::value(int row, int run) const {
    if (row < 0 || row >= rows_.size())
        return std::nullopt;
    const Row& r = rows_[row];
    const ComparedMetric& metric = metrics_[r.metric];
    if (run < 0 || run >= metric.figures.size())
        return std::nullopt;
    return r.best ? metric.figures[run].best : metric.figures[run].final;
}

int MetricFiguresModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int MetricFiguresModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count + int(headers_.size());
}

QVariant MetricFiguresModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const Row& row = rows_[index.row()];
    const ComparedMetric& metric = metrics_[row.metric];
    const int run = index.column() - Count;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Metric:
            return metric.name;
        case Figure:
            if (!row.best)
                return tr("final");
            return *metric.higherIsBetter ? tr("best (max)") : tr("best (min)");
        default:
            if (const auto v = value(index.row(), run))
                return QString::number(*v, 'g', 6);
            return RunComparison::kMissing;
        }
    }
    if (role == Qt::ToolTipRole && run >= 0)
        if (const auto v = value(index.row(), run))
            return QString::number(*v, 'g', 17); // every digit, for copying
    if (role == Qt::FontRole && run >= 0 && run == row.leader) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::TextAlignmentRole && run >= 0)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant MetricFiguresModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Metric:
        return tr("Metric");
    case Figure:
        return tr("Value");
    default:
        return headers_.value(section - Count);
    }
}

} // namespace trainlab
