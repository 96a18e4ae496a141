#pragma once

#include "store/RunComparison.h"

#include <QAbstractTableModel>

namespace trainlab {

/// Final and best values of every metric of compared runs, side by side: two rows a metric
/// (final, then best where the metric has a direction), a column per run; the best run of
/// each row in bold.
class MetricFiguresModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// The fixed columns; the runs' columns follow them.
    enum Column { Metric, Figure, Count };

    explicit MetricFiguresModel(QObject* parent = nullptr);

    void setMetrics(const QStringList& headers, const QVector<ComparedMetric>& metrics);
    /// The value at (row, run), if that run has one.
    std::optional<double> value(int row, int run) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        qsizetype metric = 0; ///< into metrics_
        bool best = false;
        int leader = -1; ///< the run with the best value of the row, -1: none
    };

    QStringList headers_;
    QVector<ComparedMetric> metrics_;
    QVector<Row> rows_;
};

} // namespace trainlab
