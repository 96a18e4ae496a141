#pragma once

#include "base/MetricPoint.h"

#include <QVector>
#include <QWidget>
#include <optional>

class QCustomPlot;
class QCPGraph;
class QCPItemLine;
class QCPItemText;

namespace trainlab {

/// What the horizontal axis counts.
enum class PlotXAxis { Invalid, Step, Epoch, WallTime };

/// How a MetricPlot draws its series; PlotControls edits it for every plot at once.
struct PlotOptions {
    /// Exponential moving average weight, 0 (raw) to 0.99, debiased as TensorBoard does.
    double smoothing = 0;
    bool logY = false;
    PlotXAxis x = PlotXAxis::Step;
};

/// An interval on the x axis (plot coordinates).
struct XRange {
    double lower = 0;
    double upper = 0;
};

/// A live plot of some metrics of one run. History arrives once (setSeries), then live batches
/// append; points of other runs and other metrics are ignored. Each metric is drawn smoothed
/// over its raw curve (faint). Dragging pans, the wheel zooms, a double-click fits the data
/// again; hovering shows every series' value under the cursor.
class MetricPlot : public QWidget {
    Q_OBJECT
public:
    /// `metrics` in plotting order, e.g. {"train_loss", "val_loss"}.
    MetricPlot(const QString& title, const QStringList& metrics, QWidget* parent = nullptr);
    ~MetricPlot() override;

    const QStringList& metrics() const { return metrics_; }
    qint64 runId() const { return runId_; }
    /// Clears the plot and follows `runId` from now on (0: nothing).
    void showRun(qint64 runId);
    /// Replaces the data with a run's stored history.
    void setSeries(qint64 runId, const QVector<MetricPoint>& points);
    /// Appends live points; returns how many were for this plot.
    int addPoints(const QVector<MetricPoint>& points);
    /// Points received for `metric` (drawn or not).
    int pointCount(const QString& metric) const;
    /// What the plot says instead of curves while it has no points; empty once it has some.
    QString emptyText() const;
    /// What the plot says about points it cannot draw (non-positive values on a log scale).
    QString noticeText() const;

    const PlotOptions& options() const { return options_; }
    /// Redraws every series with new options (all points are kept, so nothing is lost).
    void setOptions(const PlotOptions& options);
    /// The smoothed curve of `metric` (the one in the legend), or null.
    QCPGraph* graph(const QString& metric) const;
    /// The raw curve of `metric`, drawn faint behind the smoothed one while smoothing is on.
    QCPGraph* rawGraph(const QString& metric) const;

    /// The x extent of the drawn data, if any.
    std::optional<XRange> dataXRange() const;
    /// While the plot fits its data, shows this x range instead of its own (linked plots share
    /// one); nullopt: its own.
    void setSharedXRange(const std::optional<XRange>& range);
    /// Shows `range` on x because a linked plot was zoomed or panned; stops fitting x.
    void followXRange(const XRange& range);
    /// Whether the axes follow the data (until the user zooms or pans).
    bool fitsData() const { return fitX_ && fitY_; }
    /// Fits both axes to the data again, and keeps fitting as points arrive.
    void fitToData();

    /// Shows the value of each series at `x` (a linked plot's cursor, or this one's).
    void showReadout(double x);
    void hideReadout();
    /// The read-out's text; empty while it is hidden.
    QString readoutText() const;
    QCustomPlot* plot() const { return plot_; }

Q_SIGNALS:
    /// The drawn data's x extent may have changed.
    void dataXRangeChanged();
    /// The user zoomed or panned this plot to `range` on x.
    void userXRangeChanged(const trainlab::XRange& range);
    /// The user double-clicked: show all data again.
    void fitRequested();
    /// The cursor is over the plot at `x` (plot coordinates), or left it (`hoverLeft`).
    void hovered(double x);
    void hoverLeft();

private:
    struct Series;

    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    double xOf(const MetricPoint& point) const;
    void drawPoint(Series& series, const MetricPoint& point);
    void redrawAll();
    void refit();
    void setRangeQuietly(double xLower, double xUpper, double yLower, double yUpper);
    void configureAxes();
    Series* seriesOf(const QString& metric) const;

    QStringList metrics_;
    qint64 runId_ = 0;
    QCustomPlot* plot_ = nullptr;
    QVector<Series*> series_;
    QCPItemText* emptyText_ = nullptr;
    QCPItemText* notice_ = nullptr;
    QCPItemText* readout_ = nullptr;
    QCPItemLine* cursor_ = nullptr;
    PlotOptions options_;
    bool fitX_ = true;
    bool fitY_ = true;
    bool settingRange_ = false;
    bool replotPending_ = false; ///< data changed while hidden
    std::optional<XRange> sharedX_;
    double wallOrigin_ = 0; ///< the earliest wall time: the wall-time axis counts from it
    bool hasWallOrigin_ = false;
};

} // namespace trainlab
