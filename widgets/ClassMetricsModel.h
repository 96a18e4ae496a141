#pragma once

#include "store/RunEvaluation.h"

#include <QAbstractTableModel>

namespace trainlab {

/// The per-class table of an evaluation: one row per class with its precision, recall, F1,
/// support, ROC-AUC and average precision. Display text has 4 decimals; ValueRole gives the
/// number itself (sorting, CSV export); a figure the run does not have shows "-" and is null.
class ClassMetricsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Class, Precision, Recall, F1, Support, RocAuc, AveragePrecision, Count };
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit ClassMetricsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setClasses(const QVector<ClassEvaluation>& classes);

private:
    QVariant value(const ClassEvaluation& row, int column) const;

    QVector<ClassEvaluation> classes_;
};

} // namespace trainlab
