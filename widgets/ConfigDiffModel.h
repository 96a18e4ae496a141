#pragma once

#include "store/RunComparison.h"

#include <QAbstractTableModel>

namespace trainlab {

/// The config fields that differ between compared runs: a row per field, a column per run
/// after the field's own; "—" where a run lacks the field.
class ConfigDiffModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// The fixed columns; the runs' columns follow them.
    enum Column { Field, Count };

    explicit ConfigDiffModel(QObject* parent = nullptr);

    /// `headers` names each run's column; `differences` carry one value per run.
    void setDifferences(const QStringList& headers, const QVector<ConfigDifference>& differences);
    const QVector<ConfigDifference>& differences() const { return differences_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList headers_;
    QVector<ConfigDifference> differences_;
};

} // namespace trainlab
