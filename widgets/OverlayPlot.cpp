#include "OverlayPlot.h"

#include "OverlayPlotCurve.h"
#include "RunPalette.h"

#include "util/Decimation.h"

#include <QFileInfo>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <qcustomplot.h>

namespace trainlab {

namespace {

constexpr int kReadoutLines = 20;
constexpr int kLegendRowPx = 16;
QString formatSeconds(double seconds) {
    const qint64 s = qint64(std::llround(std::max(0.0, seconds)));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

const QVector<double>& xSource(const OverlayCurve& curve, OverlayX x) {
    switch (x) {
    case OverlayX::Epoch:
        return curve.epoch;
    case OverlayX::WallTime:
        return curve.wallSeconds;
    case OverlayX::Energy:
        return curve.energyJ;
    default:
        return curve.step;
    }
}

} // namespace

OverlayPlot::OverlayPlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this))
    , emptyMessage_(tr("Select runs to compare")) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    // The legend in a column of its own right of the axes: never over a curve.
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->addElement(0, 1, plot_->legend);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foRowsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setFont(QFont(font().family(), 8));

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

    // Hovering redraws only this layer's own buffer, never the curves under it.
    plot_->addLayer(QStringLiteral("hover"), plot_->layer(QStringLiteral("legend")),
                    QCustomPlot::limAbove);
    hoverLayer_ = plot_->layer(QStringLiteral("hover"));
    hoverLayer_->setMode(QCPLayer::lmBuffered);
    cursor_ = new QCPItemLine(plot_);
    for (QCPItemPosition* end : {cursor_->start, cursor_->end}) {
        end->setTypeX(QCPItemPosition::ptPlotCoords);
        end->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    cursor_->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    cursor_->setVisible(false);
    cursor_->setLayer(hoverLayer_);
    readout_ = new QCPItemText(plot_);
    readout_->position->setType(QCPItemPosition::ptAxisRectRatio);
    readout_->setTextAlignment(Qt::AlignLeft);
    readout_->setPadding(QMargins(6, 4, 6, 4));
    readout_->setBrush(QColor(255, 255, 255, 235));
    readout_->setPen(QPen(QColor(0xb0, 0xb0, 0xb0)));
    readout_->setVisible(false);
    readout_->setLayer(hoverLayer_);

    installCurveLayer();
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setMouseTracking(true);
    plot_->installEventFilter(this);
    // The layout step has just fixed the axis rect's size and the ranges: decimate and draw
    // the curves for exactly what is about to be shown (kept while neither changes).
    connect(plot_, &QCustomPlot::afterLayout, this, [this] { fillGraphs(/*draw=*/true); });
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (!plot_->axisRect()->rect().contains(event->pos())) {
            hideReadout();
            return;
        }
        const double x = plot_->xAxis->pixelToCoord(event->pos().x());
        showReadout(x);
        Q_EMIT hovered(x);
    });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        fitToData();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    setMinimumSize(360, 240);
    configureAxes();
    updateEmptyText();
}

OverlayPlot::~OverlayPlot() = default;

void OverlayPlot::setCurves(QVector<OverlayCurve> curves, OverlayX x) {
    hideReadout();
    plot_->clearGraphs();
    curves_.clear();
    curves_.reserve(size_t(curves.size()));
    for (qsizetype i = 0; i < curves.size(); ++i) {
        Curve curve;
        curve.source = std::move(curves[i]);
        curve.graph = plot_->addGraph();
        curve.graph->setName(curve.source.label);
        curve.graph->setPen(runpalette::pen(int(i)));
        curve.graph->setAdaptiveSampling(!decimated_); // ours arrives decimated already
        curves_.push_back(std::move(curve));
    }
    if (x != OverlayX::Invalid && offers(x))
        x_ = x;
    if (!offers(x_))
        x_ = OverlayX::Step;
    configureAxes();
    rebuildXY();
    fitToData();
    updateEmptyText();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int OverlayPlot::curveCount() const {
    return int(curves_.size());
}

bool OverlayPlot::offers(OverlayX x) const {
    return std::all_of(curves_.begin(), curves_.end(), [x](const Curve& curve) {
        return xSource(curve.source, x).size() == curve.source.value.size();
    });
}

void OverlayPlot::setXAxis(OverlayX x) {
    if (x == x_ || !offers(x))
        return;
    x_ = x;
    hideReadout();
    configureAxes();
    rebuildXY();
    fitToData();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void OverlayPlot::setLogY(bool logY) {
    if (logY == logY_)
        return;
    logY_ = logY;
    configureAxes();
    rebuildXY();
    fitToData();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void OverlayPlot::setYLabel(const QString& label) {
    plot_->yAxis->setLabel(label);
}

void OverlayPlot::setDecimated(bool decimated) {
    decimated_ = decimated;
    for (Curve& curve : curves_)
        curve.graph->setAdaptiveSampling(!decimated);
    redecimate();
}

void OverlayPlot::rebuildXY() {
    // Every curve's x, y (and on a log scale the y drawn) in one block of huge pages: each
    // redraw reads them all.
    size_t total = 0;
    for (const Curve& curve : curves_)
        total += size_t(std::min(xSource(curve.source, x_).size(), curve.source.value.size())) *
                 (logY_ ? 3 : 2);
    values_ = HugePageBuffer(total);
    double* free = values_.data();
    const auto take = [&free](size_t n) {
        const std::span<double> part(free, n);
        free += n;
        return part;
    };
    qsizetype hidden = 0;
    for (Curve& curve : curves_) {
        const QVector<double>& xs = xSource(curve.source, x_);
        const QVector<double>& ys = curve.source.value;
        const auto n = size_t(std::min(xs.size(), ys.size()));
        curve.x = take(n);
        curve.y = take(n);
        if (std::is_sorted(xs.begin(), xs.begin() + qsizetype(n))) {
            std::copy_n(xs.begin(), n, curve.x.begin());
            std::copy_n(ys.begin(), n, curve.y.begin());
        } else {
            // Wall time after a clock change: put the points in x order, equal x kept as logged.
            std::vector<size_t> order(n);
            std::iota(order.begin(), order.end(), size_t(0));
            std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
                return xs[qsizetype(a)] < xs[qsizetype(b)];
            });
            for (size_t i = 0; i < n; ++i) {
                curve.x[i] = xs[qsizetype(order[i])];
                curve.y[i] = ys[qsizetype(order[i])];
            }
        }
        curve.drawn = {};
        if (logY_) {
            curve.drawn = take(n);
            std::copy(curve.y.begin(), curve.y.end(), curve.drawn.begin());
            for (double& y : curve.drawn)
                if (y <= 0) { // a NaN in the data is a gap already, not a value hidden here
                    y = std::numeric_limits<double>::quiet_NaN();
                    ++hidden;
                }
        }
    }
    notice_->setVisible(hidden > 0);
    notice_->setText(hidden == 1 ? tr("1 value ≤ 0 is not drawn on the log scale")
                                 : tr("%1 values ≤ 0 are not drawn on the log scale").arg(hidden));
    decimatedWidth_ = -1;
    ++curvesVersion_;
    if (!decimated_)
        fillReference();
}

void OverlayPlot::fitToData() {
    bool any = false;
    double lower = 0;
    double upper = 1;
    for (const Curve& curve : curves_) {
        if (curve.x.empty())
            continue;
        lower = any ? std::min(lower, curve.x.front()) : curve.x.front();
        upper = any ? std::max(upper, curve.x.back()) : curve.x.back();
        any = true;
    }
    if (upper - lower < 1e-9) { // one step: give it room
        lower -= 1;
        upper += 1;
    }
    plot_->xAxis->setRange(lower, upper);
    fitRanges();
}

void OverlayPlot::fitRanges() {
    // The decimated curves span exactly what the whole series spans in each column, so their
    // value range is the data's.
    redecimate();
    bool any = false;
    QCPRange values;
    const QCPRange shown = plot_->xAxis->range();
    const auto include = [&](double y) {
        if (!std::isfinite(y) || (logY_ && y <= 0))
            return;
        values =
            any ? QCPRange(std::min(values.lower, y), std::max(values.upper, y)) : QCPRange(y, y);
        any = true;
    };
    for (const Curve& curve : curves_) {
        if (decimated_) {
            for (const auto& [x, y] : curve.points)
                if (x >= shown.lower && x <= shown.upper)
                    include(y);
            continue;
        }
        bool found = false;
        const QCPRange r =
            curve.graph->getValueRange(found, logY_ ? QCP::sdPositive : QCP::sdBoth, shown);
        if (found) {
            include(r.lower);
            include(r.upper);
        }
    }
    if (!any)
        values = logY_ ? QCPRange(0.1, 10) : QCPRange(0, 1);
    if (logY_) {
        const double pad = std::pow(values.upper / values.lower, 0.05);
        plot_->yAxis->setRange(values.size() < 1e-12
                                   ? QCPRange(values.lower / 2, values.upper * 2)
                                   : QCPRange(values.lower / pad, values.upper * pad));
    } else {
        const double pad = values.size() * 0.05;
        plot_->yAxis->setRange(values.size() < 1e-9
                                   ? QCPRange(values.center() - 1, values.center() + 1)
                                   : QCPRange(values.lower - pad, values.upper + pad));
    }
}

void OverlayPlot::configureAxes() {
    switch (x_) {
    case OverlayX::Epoch:
        plot_->xAxis->setLabel(tr("epoch"));
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        break;
    case OverlayX::WallTime: {
        plot_->xAxis->setLabel(tr("time since the run's start (h:mm:ss)"));
        QSharedPointer<QCPAxisTickerTime> ticker(new QCPAxisTickerTime);
        ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
        plot_->xAxis->setTicker(ticker);
        break;
    }
    case OverlayX::Energy:
        plot_->xAxis->setLabel(tr("energy used (J)"));
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        break;
    default:
        plot_->xAxis->setLabel(tr("step"));
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    if (logY_) {
        plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        plot_->yAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        plot_->yAxis->setScaleType(QCPAxis::stLinear);
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        plot_->yAxis->setNumberFormat(QStringLiteral("g"));
    }
}

void OverlayPlot::showReadout(double x) {
    QStringList lines;
    switch (x_) {
    case OverlayX::Epoch:
        lines << tr("epoch %1").arg(x, 0, 'f', 2);
        break;
    case OverlayX::WallTime:
        lines << tr("time %1").arg(formatSeconds(x));
        break;
    case OverlayX::Energy:
        lines << tr("energy %1 J").arg(x, 0, 'g', 5);
        break;
    default:
        lines << tr("step %1").arg(std::llround(x));
    }
    int shown = 0;
    int more = 0;
    for (const Curve& curve : curves_) {
        if (curve.x.empty() || x < curve.x.front() || x > curve.x.back())
            continue; // no value there: the run had not reached x, or was past it
        if (shown == kReadoutLines) {
            ++more;
            continue;
        }
        // The nearest point of the whole series, not of what is drawn.
        auto it = std::lower_bound(curve.x.begin(), curve.x.end(), x);
        if (it == curve.x.end() || (it != curve.x.begin() && x - *(it - 1) < *it - x))
            --it;
        lines << QStringLiteral("%1  %2")
                     .arg(curve.source.label)
                     .arg(curve.y[size_t(it - curve.x.begin())], 0, 'g', 5);
        ++shown;
    }
    if (more > 0)
        lines << tr("… and %n more", nullptr, more);
    if (shown == 0) {
        hideReadout();
        return;
    }
    readout_->setText(lines.join(QLatin1Char('\n')));
    const bool cursorRight = x > plot_->xAxis->range().center();
    readout_->setPositionAlignment(Qt::AlignTop | (cursorRight ? Qt::AlignLeft : Qt::AlignRight));
    readout_->position->setCoords(cursorRight ? 0.01 : 0.99, 0.02);
    readout_->setVisible(true);
    cursor_->start->setCoords(x, 0);
    cursor_->end->setCoords(x, 1);
    cursor_->setVisible(true);
    hoverLayer_->replot();
}

void OverlayPlot::hideReadout() {
    if (!readout_->visible() && !cursor_->visible())
        return;
    readout_->setVisible(false);
    cursor_->setVisible(false);
    hoverLayer_->replot();
}

QString OverlayPlot::readoutText() const {
    return readout_->visible() ? readout_->text() : QString();
}

QString OverlayPlot::emptyText() const {
    return emptyText_->visible() ? emptyText_->text() : QString();
}

void OverlayPlot::setEmptyText(const QString& text) {
    emptyMessage_ = text;
    updateEmptyText();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void OverlayPlot::updateEmptyText() {
    const bool empty = std::all_of(curves_.begin(), curves_.end(),
                                   [](const Curve& curve) { return curve.x.empty(); });
    emptyText_->setVisible(empty);
    emptyText_->setText(emptyMessage_);
}

QCPGraph* OverlayPlot::graph(int curve) const {
    return curve >= 0 && curve < curveCount() ? curves_[size_t(curve)].graph : nullptr;
}

std::span<const double> OverlayPlot::xValues(int curve) const {
    return curves_.at(size_t(curve)).x;
}

std::span<const double> OverlayPlot::yValues(int curve) const {
    return curves_.at(size_t(curve)).y;
}

bool OverlayPlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_) {
        if (event->type() == QEvent::Leave)
            hideReadout();
        if (event->type() == QEvent::Resize) // as many legend rows as the height holds
            plot_->legend->setWrap(std::max(1, (plot_->height() - 40) / kLegendRowPx));
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace trainlab
