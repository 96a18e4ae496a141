#include "JobsTableModel.h"

namespace trainlab {

namespace {

QString durationText(double seconds) {
    if (seconds < 0)
        return {};
    const auto s = qint64(seconds + 0.5);
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QString progressText(const JobInfo& job) {
    const JobProgress& p = job.progress;
    if (job.kind == JobKind::Sweep)
        return QStringLiteral("%1 / %2 trials").arg(p.trialsDone).arg(p.trialsTotal);
    if (p.totalSteps > 0)
        return QStringLiteral("%1%  (step %2 / %3)")
            .arg(qRound(100.0 * p.fraction()))
            .arg(p.step)
            .arg(p.totalSteps);
    return {};
}

} // namespace

JobsTableModel::JobsTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int JobsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(jobs_.size());
}

int JobsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QVariant JobsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= jobs_.size())
        return {};
    const JobInfo& job = jobs_[index.row()];
    if (role == JobIdRole)
        return job.id;
    if (role == Qt::ToolTipRole)
        return job.error.isEmpty() ? QVariant() : QVariant(job.error);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Id:
        return job.id;
    case Kind:
        return jobKindName(job.kind);
    case Title:
        return job.parent > 0 ? QStringLiteral("    ") + job.title : job.title;
    case Status:
        return runStatusName(job.status);
    case Progress:
        return progressText(job);
    case Eta:
        return job.status == RunStatus::Running ? durationText(job.progress.etaS) : QString();
    case Devices:
        return job.status == RunStatus::Running || job.status == RunStatus::Paused
                   ? job.devices.join(QStringLiteral(", "))
                   : QString();
    case Count:
        break;
    }
    return {};
}

QVariant JobsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Job");
    case Kind:
        return tr("Kind");
    case Title:
        return tr("Name");
    case Status:
        return tr("Status");
    case Progress:
        return tr("Progress");
    case Eta:
        return tr("Time left");
    case Devices:
        return tr("Devices");
    case Count:
        break;
    }
    return {};
}

void JobsTableModel::setJobs(const QVector<JobInfo>& jobs) {
    bool sameOrder = jobs.size() == jobs_.size();
    for (qsizetype i = 0; sameOrder && i < jobs.size(); ++i)
        sameOrder = jobs[i].id == jobs_[i].id;
    if (!sameOrder) {
        beginResetModel();
        jobs_ = jobs;
        endResetModel();
        return;
    }
    jobs_ = jobs;
    if (!jobs_.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(jobs_.size()) - 1, Count - 1));
}

bool JobsTableModel::updateJob(const JobInfo& job) {
    const int row = rowOf(job.id);
    if (row < 0)
        return false;
    jobs_[row] = job;
    Q_EMIT dataChanged(index(row, 0), index(row, Count - 1));
    return true;
}

const JobInfo* JobsTableModel::jobAt(int row) const {
    return row >= 0 && row < jobs_.size() ? &jobs_[row] : nullptr;
}

int JobsTableModel::rowOf(qint64 jobId) const {
    for (qsizetype i = 0; i < jobs_.size(); ++i) {
        if (jobs_[i].id == jobId)
            return int(i);
    }
    return -1;
}

} // namespace trainlab
