#pragma once

#include "store/RunRecords.h"

#include <QHash>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemText;

namespace trainlab {

/// A live plot of some metrics of one run against the optimizer step. History arrives once
/// (setSeries), then live batches append; points of other runs and other metrics are ignored.
class MetricPlot : public QWidget {
    Q_OBJECT
public:
    /// `metrics` in plotting order, e.g. {"train_loss", "val_loss"}.
    MetricPlot(const QString& title, const QStringList& metrics, QWidget* parent = nullptr);

    const QStringList& metrics() const { return metrics_; }
    qint64 runId() const { return runId_; }
    /// Clears the plot and follows `runId` from now on (0: nothing).
    void showRun(qint64 runId);
    /// Replaces the data with a run's stored history.
    void setSeries(qint64 runId, const QVector<MetricPoint>& points);
    /// Appends live points; returns how many were for this plot.
    int addPoints(const QVector<MetricPoint>& points);
    int pointCount(const QString& metric) const;
    /// What the plot says instead of curves while it has no points; empty once it has some.
    QString emptyText() const;
    QCustomPlot* plot() const { return plot_; }

private:
    void rescaleAndReplot();

    QStringList metrics_;
    qint64 runId_ = 0;
    QCustomPlot* plot_ = nullptr;
    QHash<QString, QCPGraph*> graphs_;
    QCPItemText* emptyText_ = nullptr;
};

} // namespace trainlab
