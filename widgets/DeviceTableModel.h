#pragma once

#include "jobs/DeviceUsage.h"

#include <QAbstractTableModel>
#include <QVector>

namespace trainlab {

/// The backend's devices as a table under the queue: each device, how much of it is held and
/// by which jobs (deviceUsage() computes it; this only shows it).
class DeviceTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Device, Use, Jobs, Count };

    explicit DeviceTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces the rows; rows whose device is unchanged stay, changed cells report so.
    void setUsage(const QVector<DeviceUsage>& usage);
    const DeviceUsage* usageAt(int row) const;

private:
    QVector<DeviceUsage> usage_;
};

} // namespace trainlab
