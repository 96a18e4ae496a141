#pragma once

#include "store/RunComparison.h"
#include "store/RunSavings.h"

#include <QAbstractTableModel>

namespace trainlab {

/// What each compared run cost and saved against the first (the baseline): a row a run, with
/// its wall time, device-hours, energy, money and accuracy, then what it saved against the
/// baseline (the share of the baseline's figure, and the amount), beside the change in
/// accuracy. Savings are green, extra costs red.
class SavingsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Run,
        WallTime,
        DeviceHours,
        Energy,
        Cost,
        Accuracy,
        TimeSaved,
        EnergySaved,
        CostSaved,
        AccuracyChange,
        Count
    };

    explicit SavingsModel(QObject* parent = nullptr);

    /// `headers` names the runs of `comparison` (in its order); the first is the baseline.
    void setComparison(const QStringList& headers, const RunComparison& comparison);
    /// Row `row`'s savings against the baseline (row 0: nothing saved).
    const RunSavings& savings(int row) const { return savings_[row]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    /// The signed amount the column shows (savings positive), and the baseline's figure.
    std::pair<std::optional<double>, std::optional<double>> saving(int row, int column) const;

    QStringList headers_;
    std::vector<RunRecord> runs_;
    QVector<QMap<QString, double>> finals_;
    QVector<RunSavings> savings_;
};

} // namespace trainlab
