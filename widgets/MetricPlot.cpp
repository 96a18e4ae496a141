#include "MetricPlot.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace trainlab {

namespace {

const QList<QColor>& seriesColors() {
    static const QList<QColor> colors = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                         QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28)};
    return colors;
}

/// The point of `graph` whose key is nearest to `x`; `graph` must have data.
QCPGraphDataContainer::const_iterator nearestPoint(const QCPGraph* graph, double x) {
    const auto data = graph->data();
    auto it = std::lower_bound(data->constBegin(), data->constEnd(), x,
                               [](const QCPGraphData& d, double key) { return d.key < key; });
    if (it == data->constEnd())
        return it - 1;
    if (it != data->constBegin() && x - (it - 1)->key < it->key - x)
        return it - 1;
    return it;
}

QString formatSeconds(double seconds) {
    const qint64 s = qint64(std::llround(std::max(0.0, seconds)));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

struct MetricPlot::Series {
    QString metric;
    QCPGraph* raw = nullptr;
    QCPGraph* smooth = nullptr;
    QVector<MetricPoint> points; ///< every point received, by step
    double ema = 0;              ///< the running average, not yet debiased
    int emaCount = 0;            ///< finite values averaged so far
    int hidden = 0;              ///< raw values the log scale cannot draw
};

MetricPlot::MetricPlot(const QString& title, const QStringList& metrics, QWidget* parent)
    : QWidget(parent)
    , metrics_(metrics)
    , plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot_, title, QFont(font().family(), 10, QFont::Bold)));
    // The legend sits in its own row under the axes, so it never covers a curve.
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->addElement(2, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(2, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    emptyText_ = new QCPItemText(plot_);
    emptyText_->setPositionAlignment(Qt::AlignCenter);
    emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyText_->position->setCoords(0.5, 0.5);
    emptyText_->setColor(Qt::gray);
    notice_ = new QCPItemText(plot_);
    notice_->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    notice_->position->setType(QCPItemPosition::ptAxisRectRatio);
    notice_->position->setCoords(0.99, 0.98);
    notice_->setColor(QColor(0x80, 0x50, 0x00));
    notice_->setVisible(false);
    cursor_ = new QCPItemLine(plot_);
    for (QCPItemPosition* end : {cursor_->start, cursor_->end}) {
        end->setTypeX(QCPItemPosition::ptPlotCoords);
        end->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    cursor_->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    cursor_->setVisible(false);
    readout_ = new QCPItemText(plot_);
    readout_->position->setType(QCPItemPosition::ptAxisRectRatio);
    readout_->setTextAlignment(Qt::AlignLeft);
    readout_->setPadding(QMargins(6, 4, 6, 4));
    readout_->setBrush(QColor(255, 255, 255, 240));
    readout_->setPen(QPen(QColor(0xb0, 0xb0, 0xb0)));
    readout_->setVisible(false);
    // Above the curves (graphs added later would otherwise be drawn over them).
    for (QCPAbstractItem* item :
         std::initializer_list<QCPAbstractItem*>{notice_, cursor_, readout_})
        item->setLayer(QStringLiteral("legend"));

    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Noisy curves of thousands of points: segment by segment is several times faster than
    // one wide polyline, whose stroking dominated each replot.
    plot_->setPlottingHint(QCP::phFastPolylines, true);
    plot_->setMouseTracking(true); // hover read-out without a button held
    plot_->installEventFilter(this);
    for (qsizetype i = 0; i < metrics_.size(); ++i) {
        auto* series = new Series;
        series->metric = metrics_[i];
        const QColor color = seriesColors()[i % seriesColors().size()];
        series->raw = plot_->addGraph();
        QColor faint = color;
        faint.setAlpha(70);
        // Width 1 is QPainter's cosmetic fast path; a wider pen made every replot stroke
        // thousands of segments (the event loop fell 100+ ms behind at 1,000 points/s).
        series->raw->setPen(QPen(faint, 1));
        series->raw->removeFromLegend();
        series->smooth = plot_->addGraph();
        series->smooth->setName(metrics_[i]);
        series->smooth->setPen(QPen(color, 1));
        series_.append(series);
    }
    // Only the user changes a range while settingRange_ is false: zooming or panning stops
    // the axes from following the data until a double-click or Fit.
    connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this](const QCPRange& range) {
                if (settingRange_)
                    return;
                fitX_ = fitY_ = false;
                Q_EMIT userXRangeChanged({range.lower, range.upper});
            });
    connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this] { fitY_ = fitY_ && settingRange_; });
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (!plot_->axisRect()->rect().contains(event->pos())) {
            hideReadout();
            Q_EMIT hoverLeft();
            return;
        }
        const double x = plot_->xAxis->pixelToCoord(event->pos().x());
        showReadout(x);
        Q_EMIT hovered(x);
    });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        fitToData();
        Q_EMIT fitRequested();
    });
    setMinimumSize(320, 200);
    configureAxes();
    refit();
}

MetricPlot::~MetricPlot() {
    qDeleteAll(series_);
}

void MetricPlot::showRun(qint64 runId) {
    runId_ = runId;
    for (Series* series : std::as_const(series_))
        series->points.clear();
    hasWallOrigin_ = false;
    fitX_ = fitY_ = true; // another run: show all of it
    hideReadout();
    redrawAll();
    refit();
    Q_EMIT dataXRangeChanged();
}

void MetricPlot::setSeries(qint64 runId, const QVector<MetricPoint>& points) {
    if (runId != runId_)
        return;
    for (Series* series : std::as_const(series_))
        series->points.clear();
    hasWallOrigin_ = false;
    redrawAll();
    if (addPoints(points) == 0) {
        refit();
        Q_EMIT dataXRangeChanged();
    }
}

int MetricPlot::addPoints(const QVector<MetricPoint>& points) {
    int added = 0;
    bool redraw = false;
    for (const MetricPoint& p : points) {
        if (p.run != runId_)
            continue;
        Series* series = seriesOf(p.name);
        if (!series)
            continue;
        ++added;
        if (!hasWallOrigin_ || p.wallTime < wallOrigin_) {
            redraw = redraw || (hasWallOrigin_ && options_.x == PlotXAxis::WallTime);
            wallOrigin_ = p.wallTime;
            hasWallOrigin_ = true;
        }
        QVector<MetricPoint>& stored = series->points;
        if (!stored.isEmpty() && p.step < stored.last().step) {
            // Late or resumed points: keep the series in step order, then smooth it anew.
            const auto at =
                std::upper_bound(stored.begin(), stored.end(), p.step,
                                 [](qint64 step, const MetricPoint& q) { return step < q.step; });
            stored.insert(at, p);
            redraw = true;
            continue;
        }
        stored.append(p);
        if (!redraw)
            drawPoint(*series, p);
    }
    if (redraw)
        redrawAll();
    if (added > 0) {
        refit();
        Q_EMIT dataXRangeChanged();
    }
    return added;
}

int MetricPlot::pointCount(const QString& metric) const {
    const Series* series = seriesOf(metric);
    return series ? int(series->points.size()) : 0;
}

QString MetricPlot::emptyText() const {
    return emptyText_->visible() ? emptyText_->text() : QString();
}

QString MetricPlot::noticeText() const {
    return notice_->visible() ? notice_->text() : QString();
}

void MetricPlot::setOptions(const PlotOptions& options) {
    const bool newX = options.x != options_.x;
    options_ = options;
    options_.smoothing = std::clamp(options.smoothing, 0.0, 0.99);
    configureAxes();
    redrawAll();
    if (newX)
        fitX_ = true; // the old range means nothing on another axis
    refit();
    if (readout_->visible())
        hideReadout();
    Q_EMIT dataXRangeChanged();
}

QCPGraph* MetricPlot::graph(const QString& metric) const {
    const Series* series = seriesOf(metric);
    return series ? series->smooth : nullptr;
}

QCPGraph* MetricPlot::rawGraph(const QString& metric) const {
    const Series* series = seriesOf(metric);
    return series ? series->raw : nullptr;
}

std::optional<XRange> MetricPlot::dataXRange() const {
    std::optional<XRange> range;
    for (const Series* series : series_) {
        for (const QCPGraph* graph : {series->raw, series->smooth}) {
            bool found = false;
            const QCPRange keys = graph->getKeyRange(found);
            if (!found)
                continue;
            if (!range)
                range = XRange{keys.lower, keys.upper};
            range->lower = std::min(range->lower, keys.lower);
            range->upper = std::max(range->upper, keys.upper);
        }
    }
    return range;
}

void MetricPlot::setSharedXRange(const std::optional<XRange>& range) {
    const bool same =
        range.has_value() == sharedX_.has_value() &&
        (!range || (range->lower == sharedX_->lower && range->upper == sharedX_->upper));
    sharedX_ = range;
    if (fitX_ && !same) // each batch reaches every plot: refit once per change, not per plot
        refit();
}

void MetricPlot::followXRange(const XRange& range) {
    fitX_ = false;
    setRangeQuietly(range.lower, range.upper, plot_->yAxis->range().lower,
                    plot_->yAxis->range().upper);
    refit();
}

void MetricPlot::fitToData() {
    fitX_ = fitY_ = true;
    refit();
}

void MetricPlot::showReadout(double x) {
    QStringList lines;
    switch (options_.x) {
    case PlotXAxis::Epoch:
        lines << tr("epoch %1").arg(x, 0, 'f', 2);
        break;
    case PlotXAxis::WallTime:
        lines << tr("time %1").arg(formatSeconds(x));
        break;
    default:
        lines << tr("step %1").arg(std::llround(x));
    }
    for (const Series* series : std::as_const(series_)) {
        if (series->smooth->dataCount() == 0)
            continue;
        const auto point = nearestPoint(series->smooth, x);
        QString line = QStringLiteral("%1  %2").arg(series->metric).arg(point->value, 0, 'g', 5);
        if (options_.smoothing > 0 && series->raw->dataCount() > 0) {
            const auto raw = nearestPoint(series->raw, point->key);
            if (raw->key == point->key)
                line += tr("  (raw %1)").arg(raw->value, 0, 'g', 5);
        }
        lines << line;
    }
    if (lines.size() == 1) {
        hideReadout();
        return;
    }
    readout_->setText(lines.join(QLatin1Char('\n')));
    // The read-out sits in the corner away from the cursor, so it never hides what is read.
    const QCPRange shown = plot_->xAxis->range();
    const bool cursorRight = x > shown.center();
    readout_->setPositionAlignment(Qt::AlignTop | (cursorRight ? Qt::AlignLeft : Qt::AlignRight));
    readout_->position->setCoords(cursorRight ? 0.01 : 0.99, 0.02);
    readout_->setVisible(true);
    cursor_->start->setCoords(x, 0);
    cursor_->end->setCoords(x, 1);
    cursor_->setVisible(true);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::hideReadout() {
    if (!readout_->visible() && !cursor_->visible())
        return;
    readout_->setVisible(false);
    cursor_->setVisible(false);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString MetricPlot::readoutText() const {
    return readout_->visible() ? readout_->text() : QString();
}

bool MetricPlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::Leave) {
        hideReadout();
        Q_EMIT hoverLeft();
    }
    return QWidget::eventFilter(watched, event);
}

double MetricPlot::xOf(const MetricPoint& point) const {
    switch (options_.x) {
    case PlotXAxis::Epoch:
        return point.epoch;
    case PlotXAxis::WallTime:
        return point.wallTime - wallOrigin_;
    default:
        return double(point.step);
    }
}

void MetricPlot::drawPoint(Series& series, const MetricPoint& point) {
    // TensorBoard's smoothing: an average that starts at zero, divided by the weight it has
    // gathered so far (its debiasing), so the first values are not pulled towards zero.
    const double w = options_.smoothing;
    double smoothed = point.value;
    if (std::isfinite(point.value)) {
        series.ema = series.ema * w + (1 - w) * point.value;
        ++series.emaCount;
        smoothed = series.ema / (1 - std::pow(w, series.emaCount));
    }
    const double x = xOf(point);
    // A log axis has no place for zero or less: such points are left out and counted.
    if (options_.logY && point.value <= 0)
        ++series.hidden;
    else
        series.raw->addData(x, point.value);
    if (!options_.logY || !(smoothed <= 0))
        series.smooth->addData(x, smoothed);
}

void MetricPlot::redrawAll() {
    for (Series* series : std::as_const(series_)) {
        series->raw->data()->clear();
        series->smooth->data()->clear();
        series->ema = 0;
        series->emaCount = 0;
        series->hidden = 0;
        for (const MetricPoint& point : std::as_const(series->points))
            drawPoint(*series, point);
    }
}

void MetricPlot::refit() {
    int total = 0;
    int hidden = 0;
    for (Series* series : std::as_const(series_)) {
        total += int(series->points.size());
        hidden += series->hidden;
        series->raw->setVisible(options_.smoothing > 0);
        // Sparse series (per-epoch metrics, a run's first point) are marked point by point:
        // a line needs two points to be seen at all.
        const bool mark =
            series->smooth->dataCount() < 2 || series->metric.startsWith(QLatin1String("val_"));
        series->smooth->setScatterStyle(mark ? QCPScatterStyle(QCPScatterStyle::ssCircle, 5)
                                             : QCPScatterStyle(QCPScatterStyle::ssNone));
    }
    emptyText_->setVisible(total == 0);
    emptyText_->setText(runId_ > 0 ? tr("Waiting for the run's first points…")
                                   : tr("Select a run to see its curves"));
    notice_->setVisible(options_.logY && hidden > 0);
    notice_->setText(hidden == 1 ? tr("1 value ≤ 0 is not drawn on the log scale")
                                 : tr("%1 values ≤ 0 are not drawn on the log scale").arg(hidden));
    QCPRange x = plot_->xAxis->range();
    QCPRange y = plot_->yAxis->range();
    if (fitX_) {
        const std::optional<XRange> data = sharedX_ ? sharedX_ : dataXRange();
        x = data ? QCPRange(data->lower, data->upper) : QCPRange(0, 1);
        if (x.size() < 1e-9) // a single step has a zero-width range; give it room
            x = QCPRange(x.center() - 1, x.center() + 1);
    }
    if (fitY_) {
        bool any = false;
        QCPRange values;
        for (const Series* series : std::as_const(series_)) {
            for (const QCPGraph* graph : {series->raw, series->smooth}) {
                bool found = false;
                if (!graph->visible())
                    continue;
                const QCPRange r =
                    graph->getValueRange(found, options_.logY ? QCP::sdPositive : QCP::sdBoth, x);
                if (found)
                    values = any ? QCPRange(std::min(values.lower, r.lower),
                                            std::max(values.upper, r.upper))
                                 : r;
                any = any || found;
            }
        }
        if (!any)
            values = options_.logY ? QCPRange(0.1, 10) : QCPRange(0, 1);
        if (options_.logY) {
            const double pad = std::pow(values.upper / values.lower, 0.05);
            y = values.size() < 1e-12 ? QCPRange(values.lower / 2, values.upper * 2)
                                      : QCPRange(values.lower / pad, values.upper * pad);
        } else {
            const double pad = values.size() * 0.05;
            y = values.size() < 1e-9 ? QCPRange(values.center() - 1, values.center() + 1)
                                     : QCPRange(values.lower - pad, values.upper + pad);
        }
    }
    setRangeQuietly(x.lower, x.upper, y.lower, y.upper);
    // Behind another tab nothing is drawn; showEvent catches up once.
    if (isVisible())
        plot_->replot(QCustomPlot::rpQueuedReplot);
    else
        replotPending_ = true;
}

void MetricPlot::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (replotPending_) {
        replotPending_ = false;
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
}

void MetricPlot::setRangeQuietly(double xLower, double xUpper, double yLower, double yUpper) {
    settingRange_ = true;
    plot_->xAxis->setRange(xLower, xUpper);
    plot_->yAxis->setRange(yLower, yUpper);
    settingRange_ = false;
}

void MetricPlot::configureAxes() {
    settingRange_ = true; // a scale change may clamp the range: not the user's doing
    switch (options_.x) {
    case PlotXAxis::Epoch:
        plot_->xAxis->setLabel(tr("epoch"));
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        break;
    case PlotXAxis::WallTime: {
        plot_->xAxis->setLabel(tr("time since the first point (h:mm:ss)"));
        QSharedPointer<QCPAxisTickerTime> ticker(new QCPAxisTickerTime);
        ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
        plot_->xAxis->setTicker(ticker);
        break;
    }
    default:
        plot_->xAxis->setLabel(tr("step"));
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    if (options_.logY) {
        plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        plot_->yAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        plot_->yAxis->setScaleType(QCPAxis::stLinear);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        plot_->yAxis->setNumberFormat(QStringLiteral("g"));
    }
    settingRange_ = false;
}

MetricPlot::Series* MetricPlot::seriesOf(const QString& metric) const {
    for (Series* series : series_)
        if (series->metric == metric)
            return series;
    return nullptr;
}

} // namespace trainlab
