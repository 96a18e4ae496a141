#pragma once

#include "store/SweepSummary.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace trainlab {

class ParallelCoordinatesPlot;
class SweepLeaderboardModel;

/// One sweep's results: a leaderboard sorted by the objective with the parameters, and charts
/// of the trials (parallel coordinates with brushing, objective by trial with the best so far,
/// a scatter of any two fields, the Pareto front, parameter importance). Brushing narrows the
/// leaderboard here and, through filterChanged, the runs table. Every chart exports to PNG,
/// SVG or PDF, the leaderboard to CSV.
class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);

    /// Shows `sweep` (a newer read of the same sweep keeps the brush and the chosen fields).
    void showSweep(const SweepSummary& sweep);
    qint64 sweepId() const { return sweep_.id; }
    bool running() const;

    SweepLeaderboardModel* leaderboard() const { return leaderboard_; }
    QTableView* leaderboardView() const { return table_; }
    ParallelCoordinatesPlot* parallelPlot() const { return parallel_; }
    QCustomPlot* historyPlot() const { return history_; }
    QCustomPlot* scatterPlot() const { return scatter_; }
    QCustomPlot* paretoPlot() const { return pareto_; }
    QCustomPlot* importancePlot() const { return importance_; }
    QComboBox* scatterXBox() const { return scatterX_; }
    QComboBox* scatterYBox() const { return scatterY_; }
    QTabWidget* charts() const { return charts_; }
    QString headline() const;
    /// The runs of the trials selected in the leaderboard, in its order.
    QList<qint64> selectedRuns() const;
    /// Writes the chart on show to `path` (.png, .svg or .pdf).
    bool saveCurrentChart(const QString& path, QString* error);

Q_SIGNALS:
    /// The brush changed: `runs` are the trials inside it; `filtered` false when none is set.
    void filterChanged(const QList<qint64>& runs, bool filtered);
    /// A leaderboard row was opened (double-click): show that trial's run.
    void runActivated(qint64 runId);
    void compareRequested(const QList<qint64>& runIds);

private:
    QWidget* buildScatterTab();
    QWidget* buildLeaderboard();
    void fillScatterFields();
    void redrawScatter();
    void onBrushesChanged();
    void updateButtons();

    SweepSummary sweep_;
    QLabel* headline_;
    QTabWidget* charts_;
    ParallelCoordinatesPlot* parallel_;
    QCustomPlot* history_;
    QCustomPlot* scatter_;
    QCustomPlot* pareto_;
    QCustomPlot* importance_;
    QComboBox* scatterX_ = nullptr;
    QComboBox* scatterY_ = nullptr;
    SweepLeaderboardModel* leaderboard_;
    QTableView* table_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QPushButton* clearFilterButton_ = nullptr;
};

} // namespace trainlab
