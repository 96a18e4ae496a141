#include "PlotControls.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QToolButton>

namespace trainlab {

namespace {

constexpr int kSmoothingSteps = 99;       ///< the slider counts hundredths, up to 0.99
constexpr double kDefaultSmoothing = 0.6; ///< TensorBoard's default

} // namespace

PlotControls::PlotControls(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    auto* smoothingLabel = new QLabel(tr("Smoothing"));
    smoothing_ = new QSlider(Qt::Horizontal);
    smoothing_->setObjectName(QStringLiteral("smoothingSlider"));
    smoothing_->setRange(0, kSmoothingSteps);
    smoothing_->setPageStep(10);
    smoothing_->setMinimumWidth(120);
    smoothing_->setToolTip(tr("Exponential moving average of each curve, as TensorBoard "
                              "draws it; the raw curve stays faint behind (0: raw only)"));
    smoothingLabel->setBuddy(smoothing_);
    smoothingValue_ = new QLabel;
    smoothingValue_->setMinimumWidth(
        smoothingValue_->fontMetrics().horizontalAdvance(QStringLiteral("0.00 ")));
    logY_ = new QCheckBox(tr("Log scale"));
    logY_->setObjectName(QStringLiteral("logScaleBox"));
    logY_->setToolTip(tr("Logarithmic y axis; values of zero or less are left out"));
    auto* xLabel = new QLabel(tr("X axis"));
    xAxis_ = new QComboBox;
    xAxis_->setObjectName(QStringLiteral("xAxisBox"));
    xAxis_->addItem(tr("Step"), int(PlotXAxis::Step));
    xAxis_->addItem(tr("Epoch"), int(PlotXAxis::Epoch));
    xAxis_->addItem(tr("Wall time"), int(PlotXAxis::WallTime));
    xLabel->setBuddy(xAxis_);
    fit_ = new QToolButton;
    fit_->setObjectName(QStringLiteral("fitButton"));
    fit_->setText(tr("Fit"));
    fit_->setToolTip(tr("Show all data again and follow new points (or double-click a plot). "
                        "Drag to pan, wheel to zoom."));
    layout->addWidget(smoothingLabel);
    layout->addWidget(smoothing_, 1);
    layout->addWidget(smoothingValue_);
    layout->addSpacing(12);
    layout->addWidget(logY_);
    layout->addSpacing(12);
    layout->addWidget(xLabel);
    layout->addWidget(xAxis_);
    layout->addSpacing(12);
    layout->addWidget(fit_);

    connect(smoothing_, &QSlider::valueChanged, this, &PlotControls::apply);
    connect(logY_, &QCheckBox::toggled, this, &PlotControls::apply);
    connect(xAxis_, &QComboBox::currentIndexChanged, this, &PlotControls::apply);
    connect(fit_, &QToolButton::clicked, this, &PlotControls::fitAll);
    smoothing_->setValue(int(std::lround(kDefaultSmoothing * 100)));
    apply();
}

void PlotControls::addPlot(MetricPlot* plot) {
    plots_.append(plot);
    plot->setOptions(options_);
    connect(plot, &QObject::destroyed, this, [this, plot] { plots_.removeAll(plot); });
    connect(plot, &MetricPlot::dataXRangeChanged, this, &PlotControls::shareDataRange);
    connect(plot, &MetricPlot::userXRangeChanged, this,
            [this, plot](const XRange& range) { onUserXRange(plot, range); });
    connect(plot, &MetricPlot::fitRequested, this, &PlotControls::fitAll);
    connect(plot, &MetricPlot::hovered, this, [this, plot](double x) {
        for (MetricPlot* other : std::as_const(plots_))
            if (other != plot)
                other->showReadout(x);
    });
    connect(plot, &MetricPlot::hoverLeft, this, [this, plot] {
        for (MetricPlot* other : std::as_const(plots_))
            if (other != plot)
                other->hideReadout();
    });
    shareDataRange();
}

void PlotControls::setOptions(const PlotOptions& options) {
    const QSignalBlocker a(smoothing_);
    const QSignalBlocker b(logY_);
    const QSignalBlocker c(xAxis_);
    smoothing_->setValue(int(std::lround(options.smoothing * 100)));
    logY_->setChecked(options.logY);
    xAxis_->setCurrentIndex(std::max(0, xAxis_->findData(int(options.x))));
    apply();
}

void PlotControls::fitAll() {
    for (MetricPlot* plot : std::as_const(plots_))
        plot->fitToData();
    shareDataRange();
}

void PlotControls::apply() {
    options_.smoothing = smoothing_->value() / 100.0;
    options_.logY = logY_->isChecked();
    options_.x = PlotXAxis(xAxis_->currentData().toInt());
    smoothingValue_->setText(QString::number(options_.smoothing, 'f', 2));
    linking_ = true; // each plot reports its new extent; share it once, after all changed
    for (MetricPlot* plot : std::as_const(plots_))
        plot->setOptions(options_);
    linking_ = false;
    shareDataRange();
}

void PlotControls::shareDataRange() {
    if (linking_)
        return;
    std::optional<XRange> all;
    for (const MetricPlot* plot : std::as_const(plots_)) {
        const std::optional<XRange> range = plot->dataXRange();
        if (!range)
            continue;
        if (!all)
            all = range;
        all->lower = std::min(all->lower, range->lower);
        all->upper = std::max(all->upper, range->upper);
    }
    for (MetricPlot* plot : std::as_const(plots_))
        plot->setSharedXRange(all);
}

void PlotControls::onUserXRange(MetricPlot* source, const XRange& range) {
    if (linking_)
        return;
    linking_ = true;
    for (MetricPlot* plot : std::as_const(plots_))
        if (plot != source)
            plot->followXRange(range);
    linking_ = false;
}

} // namespace trainlab
