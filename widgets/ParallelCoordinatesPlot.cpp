#include "ParallelCoordinatesPlot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace trainlab {

namespace {

constexpr double kMarginX = 56;
constexpr double kMarginTop = 44;
constexpr double kMarginBottom = 48;
constexpr double kGrabPixels = 10;
constexpr double kLogSpan = 100; ///< positive values this far apart get a log axis

/// Viridis, dark (worst) to bright (best): ordered, and readable by the colour-blind.
QColor viridis(double t) {
    static const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b),
                                   QColor(0x21, 0x91, 0x8c), QColor(0x5e, 0xc9, 0x62),
                                   QColor(0xfd, 0xe7, 0x25)};
    t = std::clamp(t, 0.0, 1.0) * 4;
    const int i = std::min(3, int(t));
    const double f = t - i;
    const auto mix = [f](int a, int b) { return int(std::lround(a + (b - a) * f)); };
    return QColor(mix(stops[i].red(), stops[i + 1].red()),
                  mix(stops[i].green(), stops[i + 1].green()),
                  mix(stops[i].blue(), stops[i + 1].blue()));
}

/// The last part of a spec address: `training.optimizer.lr` reads `lr`.
QString shortName(const QString& field) {
    return field.section(QLatin1Char('.'), -1);
}

QString tickText(double value) {
    return QString::number(value, 'g', 3);
}

} // namespace

ParallelCoordinatesPlot::ParallelCoordinatesPlot(QWidget* parent)
    : QWidget(parent) {
    setMouseTracking(false);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void ParallelCoordinatesPlot::setSweep(const SweepSummary& sweep) {
    const QStringList before = axes();
    sweep_ = sweep;
    axes_.clear();
    QStringList fields = sweep_.params;
    for (const SweepObjective& o : sweep_.objectives)
        if (!fields.contains(o.metric))
            fields << o.metric;
    for (const QString& field : fields) {
        Axis axis;
        axis.field = field;
        axis.choices = sweep_.choices.value(field);
        for (const SweepObjective& o : sweep_.objectives)
            axis.objective = axis.objective || o.metric == field;
        if (!axis.choices.isEmpty()) {
            axis.low = -0.5;
            axis.high = axis.choices.size() - 0.5;
        } else {
            double low = INFINITY;
            double high = -INFINITY;
            for (const SweepTrialPoint& t : sweep_.trials)
                if (const auto v = sweep_.axisValue(t, field); v && std::isfinite(*v)) {
                    low = std::min(low, *v);
                    high = std::max(high, *v);
                }
            if (!std::isfinite(low)) {
                low = 0;
                high = 1;
            }
            axis.log = low > 0 && high / low >= kLogSpan;
            if (axis.log) {
                low = std::log10(low);
                high = std::log10(high);
            }
            const double pad =
                high > low ? (high - low) * 0.04 : std::max(std::abs(low), 1.0) * 0.5;
            axis.low = low - pad;
            axis.high = high + pad;
        }
        axes_.append(axis);
    }
    objectiveLow_ = INFINITY;
    objectiveHigh_ = -INFINITY;
    for (const SweepTrialPoint& t : sweep_.trials)
        if (const auto v = sweep_.objectiveValue(t)) {
            objectiveLow_ = std::min(objectiveLow_, *v);
            objectiveHigh_ = std::max(objectiveHigh_, *v);
        }
    // A refresh of the same sweep (a trial ended) keeps what the person brushed.
    if (axes() != before)
        brushes_.clear();
    update();
}

QStringList ParallelCoordinatesPlot::axes() const {
    QStringList fields;
    for (const Axis& axis : axes_)
        fields << axis.field;
    return fields;
}

void ParallelCoordinatesPlot::setBrush(const AxisBrush& brush) {
    auto same = std::find_if(brushes_.begin(), brushes_.end(),
                             [&brush](const AxisBrush& b) { return b.field == brush.field; });
    if (same != brushes_.end())
        *same = brush;
    else
        brushes_.append(brush);
    update();
    Q_EMIT brushesChanged();
}

void ParallelCoordinatesPlot::clearBrushes() {
    if (brushes_.isEmpty())
        return;
    brushes_.clear();
    update();
    Q_EMIT brushesChanged();
}

QSet<int> ParallelCoordinatesPlot::trialsInside() const {
    QSet<int> inside;
    for (const SweepTrialPoint& t : sweep_.trials)
        if (insideBrushes(sweep_, t, brushes_))
            inside.insert(t.trial);
    return inside;
}

QRectF ParallelCoordinatesPlot::plotArea() const {
    return QRectF(kMarginX, kMarginTop, std::max(1.0, width() - 2 * kMarginX),
                  std::max(1.0, height() - kMarginTop - kMarginBottom));
}

double ParallelCoordinatesPlot::axisX(int axis) const {
    const QRectF area = plotArea();
    return axes_.size() < 2 ? area.center().x()
                            : area.left() + area.width() * axis / double(axes_.size() - 1);
}

double ParallelCoordinatesPlot::toY(const Axis& axis, double value) const {
    const QRectF area = plotArea();
    const double v = axis.log ? std::log10(std::max(value, 1e-300)) : value;
    return area.bottom() - (v - axis.low) / (axis.high - axis.low) * area.height();
}

double ParallelCoordinatesPlot::fromY(const Axis& axis, double y) const {
    const QRectF area = plotArea();
    const double v = axis.low + (area.bottom() - y) / area.height() * (axis.high - axis.low);
    return axis.log ? std::pow(10.0, v) : v;
}

int ParallelCoordinatesPlot::axisIndex(const QString& field) const {
    for (int i = 0; i < axes_.size(); ++i)
        if (axes_[i].field == field)
            return i;
    return -1;
}

QPointF ParallelCoordinatesPlot::pointOn(const QString& field, double value) const {
    const int i = axisIndex(field);
    return i < 0 ? QPointF() : QPointF(axisX(i), toY(axes_[i], value));
}

double ParallelCoordinatesPlot::valueAt(const QString& field, double y) const {
    const int i = axisIndex(field);
    return i < 0 ? NAN : fromY(axes_[i], y);
}

int ParallelCoordinatesPlot::axisNear(double x) const {
    for (int i = 0; i < axes_.size(); ++i)
        if (std::abs(axisX(i) - x) <= kGrabPixels)
            return i;
    return -1;
}

QColor ParallelCoordinatesPlot::trialColor(const SweepTrialPoint& trial, bool inside) const {
    if (!inside)
        return QColor(0, 0, 0, 28);
    if (trial.status == RunStatus::Failed)
        return QColor(0xc0, 0x20, 0x20, 200);
    const auto value = sweep_.objectiveValue(trial);
    if (!value)
        return QColor(0x80, 0x80, 0x80, 200); // pruned, running, cancelled
    double t = objectiveHigh_ > objectiveLow_
                   ? (*value - objectiveLow_) / (objectiveHigh_ - objectiveLow_)
                   : 1.0;
    if (!sweep_.objectives.isEmpty() && !sweep_.objectives.front().maximize)
        t = 1 - t;
    return viridis(t);
}

void ParallelCoordinatesPlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    if (axes_.isEmpty() || sweep_.trials.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter,
                         sweep_.empty() ? tr("Select a sweep or one of its trials")
                                        : tr("No trials yet"));
        return;
    }
    paintTrials(painter);
    paintAxes(painter);
    paintBrushes(painter);
    paintKey(painter);
}

void ParallelCoordinatesPlot::paintTrials(QPainter& painter) const {
    // Outside the brushes first, then pruned and failed, then completed worst to best, so the
    // trials that matter are drawn on top.
    QVector<const SweepTrialPoint*> order;
    for (const SweepTrialPoint& t : sweep_.trials)
        order.append(&t);
    const auto weight = [this](const SweepTrialPoint* t) -> double {
        if (!insideBrushes(sweep_, *t, brushes_))
            return -INFINITY;
        const auto v = sweep_.objectiveValue(*t);
        if (!v)
            return -1e300;
        const bool maximize = sweep_.objectives.isEmpty() || sweep_.objectives.front().maximize;
        return maximize ? *v : -*v;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&weight](auto* a, auto* b) { return weight(a) < weight(b); });
    for (const SweepTrialPoint* t : order) {
        const bool inside = insideBrushes(sweep_, *t, brushes_);
        QPen pen(trialColor(*t, inside), inside ? 1.8 : 1.0);
        if (inside && t->status == RunStatus::Failed)
            pen.setStyle(Qt::DotLine);
        else if (inside && !sweep_.objectiveValue(*t))
            pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        // A line through the axes the trial has values on; a gap where it has none (a failed
        // trial has no objective).
        QPainterPath path;
        bool open = false;
        for (int i = 0; i < axes_.size(); ++i) {
            const auto v = sweep_.axisValue(*t, axes_[i].field);
            if (!v || !std::isfinite(*v)) {
                open = false;
                continue;
            }
            const QPointF p(axisX(i), toY(axes_[i], *v));
            if (open)
                path.lineTo(p);
            else
                path.moveTo(p);
            open = true;
        }
        painter.drawPath(path);
    }
}

void ParallelCoordinatesPlot::paintAxes(QPainter& painter) const {
    const QRectF area = plotArea();
    const QColor text = palette().color(QPalette::Text);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    for (int i = 0; i < axes_.size(); ++i) {
        const Axis& axis = axes_[i];
        const double x = axisX(i);
        painter.setPen(QPen(text, 1.2));
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        QFont title = font();
        title.setBold(axis.objective);
        painter.setFont(title);
        const QRectF titleBox(x - 80, 4, 160, kMarginTop - 22);
        painter.drawText(titleBox, Qt::AlignHCenter | Qt::AlignBottom,
                         painter.fontMetrics().elidedText(shortName(axis.field), Qt::ElideMiddle,
                                                          int(titleBox.width())));
        painter.setFont(small);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        if (!axis.choices.isEmpty()) {
            for (int c = 0; c < axis.choices.size(); ++c)
                painter.drawText(QRectF(x + 4, toY(axis, c) - 8, 120, 16), Qt::AlignVCenter,
                                 axis.choices[c]);
            continue;
        }
        const double top = axis.log ? std::pow(10.0, axis.high) : axis.high;
        const double bottom = axis.log ? std::pow(10.0, axis.low) : axis.low;
        painter.drawText(QRectF(x - 60, area.top() - 18, 120, 16), Qt::AlignCenter,
                         tickText(top) + (axis.log ? tr(" (log)") : QString()));
        painter.drawText(QRectF(x - 60, area.bottom() + 2, 120, 16), Qt::AlignCenter,
                         tickText(bottom));
    }
    painter.setFont(font());
}

void ParallelCoordinatesPlot::paintBrushes(QPainter& painter) const {
    for (const AxisBrush& brush : brushes_) {
        const int i = axisIndex(brush.field);
        if (i < 0)
            continue;
        const double top = toY(axes_[i], brush.high);
        const double bottom = toY(axes_[i], brush.low);
        const QRectF band(axisX(i) - 7, std::min(top, bottom), 14, std::abs(bottom - top));
        painter.setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1));
        painter.setBrush(QColor(0x1f, 0x77, 0xb4, 60));
        painter.drawRect(band);
        painter.setBrush(Qt::NoBrush);
    }
}

void ParallelCoordinatesPlot::paintKey(QPainter& painter) const {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    QString key =
        tr("colour: %1 (bright = best) · dashed: pruned or unfinished · dotted: failed")
            .arg(sweep_.objectives.isEmpty() ? QString() : sweep_.objectives.front().metric);
    key += brushes_.isEmpty() ? tr(" · drag along an axis to filter")
                              : tr(" · %1 of %2 trials inside; click an axis to clear")
                                    .arg(trialsInside().size())
                                    .arg(sweep_.trials.size());
    painter.drawText(QRectF(8, height() - 22, width() - 16, 18), Qt::AlignLeft | Qt::AlignVCenter,
                     painter.fontMetrics().elidedText(key, Qt::ElideRight, width() - 16));
}

void ParallelCoordinatesPlot::mousePressEvent(QMouseEvent* event) {
    dragAxis_ = event->button() == Qt::LeftButton ? axisNear(event->position().x()) : -1;
    dragStartY_ = event->position().y();
    dragMoved_ = false;
    if (dragAxis_ < 0)
        QWidget::mousePressEvent(event);
}

void ParallelCoordinatesPlot::mouseMoveEvent(QMouseEvent* event) {
    if (dragAxis_ < 0)
        return QWidget::mouseMoveEvent(event);
    if (std::abs(event->position().y() - dragStartY_) >= 3)
        dragMoved_ = true;
    if (dragMoved_)
        updateDragBrush(event->position().y());
}

void ParallelCoordinatesPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (dragAxis_ < 0)
        return QWidget::mouseReleaseEvent(event);
    if (dragMoved_ || std::abs(event->position().y() - dragStartY_) >= 3) {
        updateDragBrush(event->position().y());
    } else {
        // A click without a drag clears that axis's brush.
        const QString field = axes_[dragAxis_].field;
        const auto before = brushes_.size();
        brushes_.erase(std::remove_if(brushes_.begin(), brushes_.end(),
                                      [&field](const AxisBrush& b) { return b.field == field; }),
                       brushes_.end());
        if (brushes_.size() != before) {
            update();
            Q_EMIT brushesChanged();
        }
    }
    dragAxis_ = -1;
}

void ParallelCoordinatesPlot::updateDragBrush(double y) {
    const Axis& axis = axes_[dragAxis_];
    const QRectF area = plotArea();
    const double from = std::clamp(dragStartY_, area.top(), area.bottom());
    const double to = std::clamp(y, area.top(), area.bottom());
    const double a = fromY(axis, from);
    const double b = fromY(axis, to);
    setBrush({axis.field, std::min(a, b), std::max(a, b)});
}

} // namespace trainlab
