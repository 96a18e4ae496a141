#pragma once

#include "store/SweepSummary.h"

#include <QAbstractTableModel>
#include <QSet>
#include <optional>

namespace trainlab {

/// A sweep's trials ranked by its first objective: completed trials best first, then the
/// running, pruned and failed ones. A column per objective and per parameter. A brush on the
/// parallel coordinates narrows it to the trials inside (setShownTrials).
class SweepLeaderboardModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// The fixed columns; the objectives' and then the parameters' columns follow them.
    enum Column { Rank, Trial, Run, Status, Count };

    explicit SweepLeaderboardModel(QObject* parent = nullptr);

    void setSweep(const SweepSummary& sweep);
    /// Only these trial numbers are listed; nothing: every trial.
    void setShownTrials(const std::optional<QSet<int>>& trials);
    const SweepSummary& sweep() const { return sweep_; }
    /// The trial on `row`, or null.
    const SweepTrialPoint* trialAt(int row) const;
    /// The field (objective metric or parameter) column `column` shows; empty for fixed ones.
    QString fieldAt(int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void rebuildRows();

    SweepSummary sweep_;
    QVector<int> order_;             ///< leaderboardOrder: indices into sweep_.trials
    QVector<int> rows_;              ///< the shown part of order_
    QMap<int, int> ranks_;           ///< trial index -> rank among completed trials
    std::optional<QSet<int>> shown_; ///< trial numbers, when narrowed
    QStringList fields_;             ///< objectives, then parameters
};

} // namespace trainlab
