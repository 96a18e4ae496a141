#pragma once

#include "store/SweepSummary.h"

#include <QSet>
#include <QWidget>

namespace trainlab {

/// A sweep's trials as parallel coordinates: an axis per parameter and per objective, a line
/// per trial, completed trials coloured by the first objective (the best brightest), pruned
/// ones dashed grey and failed ones dotted red. Dragging along an axis brushes a range there;
/// only the trials inside every brush stay coloured, and brushesChanged tells who listens (the
/// leaderboard, the runs table). A click on an axis clears its brush.
class ParallelCoordinatesPlot : public QWidget {
    Q_OBJECT
public:
    explicit ParallelCoordinatesPlot(QWidget* parent = nullptr);

    void setSweep(const SweepSummary& sweep);
    /// The axes' fields, left to right: the parameters, then the objectives.
    QStringList axes() const;
    const QVector<AxisBrush>& brushes() const { return brushes_; }
    /// Sets the brush of `brush.field`'s axis (replacing one there).
    void setBrush(const AxisBrush& brush);
    void clearBrushes();
    /// The trial numbers inside every brush; every trial when nothing is brushed.
    QSet<int> trialsInside() const;
    /// Where `value` lies on axis `field` in this widget (a choice by its index).
    QPointF pointOn(const QString& field, double value) const;
    /// The axis's value at widget height `y`.
    double valueAt(const QString& field, double y) const;

    QSize sizeHint() const override { return {640, 320}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

Q_SIGNALS:
    void brushesChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    struct Axis {
        QString field;
        double low = 0;
        double high = 1;
        bool log = false;    ///< positive values spanning two decades or more
        QStringList choices; ///< a choice parameter's values, bottom to top
        bool objective = false;
    };

    QRectF plotArea() const;
    double axisX(int axis) const;
    double toY(const Axis& axis, double value) const;
    double fromY(const Axis& axis, double y) const;
    int axisIndex(const QString& field) const;
    /// The axis whose line is within a few pixels of `x`, or -1.
    int axisNear(double x) const;
    QColor trialColor(const SweepTrialPoint& trial, bool inside) const;
    void paintAxes(QPainter& painter) const;
    void paintTrials(QPainter& painter) const;
    void paintBrushes(QPainter& painter) const;
    void paintKey(QPainter& painter) const;
    void updateDragBrush(double y);

    SweepSummary sweep_;
    QVector<Axis> axes_;
    QVector<AxisBrush> brushes_;
    double objectiveLow_ = 0;
    double objectiveHigh_ = 1;
    int dragAxis_ = -1;
    double dragStartY_ = 0;
    bool dragMoved_ = false;
};

} // namespace trainlab
