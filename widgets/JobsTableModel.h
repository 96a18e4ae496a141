#pragma once

#include "jobs/JobInfo.h"

#include <QAbstractTableModel>
#include <QVector>

namespace trainlab {

/// The backend's queue as a table: running jobs, then queued ones in order, then finished ones;
/// a sweep's trials are indented under it by their title.
class JobsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Kind, Title, Status, Progress, Eta, Devices, Count };
    static constexpr int JobIdRole = Qt::UserRole + 1;

    explicit JobsTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces the list (the backend's jobs() order), keeping rows whose job is unchanged.
    void setJobs(const QVector<JobInfo>& jobs);
    /// Updates one job in place; false when it is not listed.
    bool updateJob(const JobInfo& job);
    const JobInfo* jobAt(int row) const;
    int rowOf(qint64 jobId) const;

private:
    QVector<JobInfo> jobs_;
};

} // namespace trainlab
