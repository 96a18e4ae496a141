#pragma once

#include "store/HistoryReader.h"

#include <QAbstractTableModel>

namespace trainlab {

/// The runs list: one row per run, newest first.
class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Status, ValAccuracy, TestAccuracy, Started, DeviceHours, Cost, Count };
    static constexpr int RunIdRole = Qt::UserRole + 1;

    explicit RunsTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces the rows, keeping unchanged rows in place so selections survive a refresh.
    void setRuns(const QVector<RunListEntry>& runs);
    qint64 runIdAt(int row) const;
    /// The run shown in `row`, or nullptr.
    const RunRecord* runAt(int row) const;
    int rowOf(qint64 runId) const;

private:
    QVector<RunListEntry> runs_;
};

} // namespace trainlab
