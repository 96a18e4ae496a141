#pragma once

#include "spec/ExperimentSpec.h"

#include <QPointF>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemText;

namespace trainlab {

/// The learning rate a run will use at each optimizer step, drawn from core's own schedule
/// function (scheduledLr), so the curve is the one the trainer follows.
class LrSchedulePlot : public QWidget {
    Q_OBJECT
public:
    explicit LrSchedulePlot(QWidget* parent = nullptr);

    /// Plots `totalSteps` steps of `schedule` from `baseLr`, `stepsPerEpoch` steps an epoch.
    /// Long runs are drawn from evenly spaced steps (the last one always among them).
    void setSchedule(const ScheduleSpec& schedule, double baseLr, qint64 totalSteps,
                     qint64 stepsPerEpoch);
    /// Empties the plot and says why in its middle.
    void showEmpty(const QString& why);

    /// The points drawn: (step, learning rate).
    QVector<QPointF> points() const;
    /// The text shown in place of a curve; empty while a curve is drawn.
    QString emptyText() const;

private:
    QCustomPlot* plot_;
    QCPItemText* emptyText_;
};

} // namespace trainlab
