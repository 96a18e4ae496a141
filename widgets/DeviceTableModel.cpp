#include "DeviceTableModel.h"

#include <QColor>

namespace trainlab {

DeviceTableModel::DeviceTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int DeviceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(usage_.size());
}

int DeviceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QVariant DeviceTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= usage_.size())
        return {};
    const DeviceUsage& usage = usage_[index.row()];
    const bool isCpu = usage.device == QLatin1String("cpu");
    if (role == Qt::ForegroundRole && usage.used == 0)
        return QColor(Qt::gray);
    if (role == Qt::ToolTipRole && isCpu)
        return tr("CPU runs share the cores as slots, one per core");
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Device:
        return isCpu ? tr("CPU") : usage.device;
    case Use:
        if (isCpu)
            return tr("%1 of %2 cores").arg(usage.used).arg(usage.capacity);
        return usage.used > 0 ? tr("busy") : tr("free");
    case Jobs: {
        QStringList jobs;
        for (qsizetype i = 0; i < usage.jobs.size(); ++i)
            jobs << tr("#%1 %2").arg(usage.jobs[i]).arg(usage.titles.value(i));
        return jobs.isEmpty() ? tr("idle") : jobs.join(QStringLiteral(", "));
    }
    case Count:
        break;
    }
    return {};
}

QVariant DeviceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Device:
        return tr("Device");
    case Use:
        return tr("In use");
    case Jobs:
        return tr("Held by");
    case Count:
        break;
    }
    return {};
}

void DeviceTableModel::setUsage(const QVector<DeviceUsage>& usage) {
    const bool sameDevices =
        usage.size() == usage_.size() &&
        std::equal(usage.begin(), usage.end(), usage_.begin(),
                   [](const DeviceUsage& a, const DeviceUsage& b) { return a.device == b.device; });
    if (!sameDevices) {
        beginResetModel();
        usage_ = usage;
        endResetModel();
        return;
    }
    for (int row = 0; row < usage.size(); ++row) {
        const DeviceUsage& before = usage_[row];
        const DeviceUsage& after = usage[row];
        const bool changed = before.used != after.used || before.capacity != after.capacity ||
                             before.jobs != after.jobs || before.titles != after.titles;
        usage_[row] = after;
        if (changed)
            Q_EMIT dataChanged(index(row, 0), index(row, Count - 1));
    }
}

const DeviceUsage* DeviceTableModel::usageAt(int row) const {
    return row >= 0 && row < usage_.size() ? &usage_[row] : nullptr;
}

} // namespace trainlab
