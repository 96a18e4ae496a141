#include "ConfusionMatrixPlot.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

namespace {

/// Past this many classes the cells are too small for their numbers: colour alone.
constexpr int kMaxClassesWithText = 25;

/// White to dark blue ("Blues"): zero stays white, so the diagonal stands out.
QCPColorGradient bluesGradient() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(0xf7, 0xfb, 0xff));
    gradient.setColorStopAt(0.25, QColor(0xc6, 0xdb, 0xef));
    gradient.setColorStopAt(0.5, QColor(0x6b, 0xae, 0xd6));
    gradient.setColorStopAt(0.75, QColor(0x21, 0x71, 0xb5));
    gradient.setColorStopAt(1.0, QColor(0x08, 0x30, 0x6b));
    return gradient;
}

} // namespace

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this))
    , normalizeBox_(new QCheckBox(tr("Row-normalized"), this)) {
    plot_->setObjectName(QStringLiteral("confusionMatrixPlot"));
    normalizeBox_->setObjectName(QStringLiteral("rowNormalizedBox"));
    normalizeBox_->setToolTip(tr("Each row divided by its sum: the share of a true class that "
                                 "was predicted as each class (the diagonal is its recall)"));
    connect(normalizeBox_, &QCheckBox::toggled, this, &ConfusionMatrixPlot::setRowNormalized);
    auto* options = new QHBoxLayout;
    options->addWidget(normalizeBox_);
    options->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(options);
    layout->addWidget(plot_, 1);

    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(10);
    plot_->plotLayout()->addElement(0, 1, scale_);
    map_->setColorScale(scale_);
    scale_->setGradient(bluesGradient()); // the scale's gradient is the map's from now on
    // The colour bar as tall as the matrix.
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 3);
    }
    plot_->xAxis->setLabel(tr("Predicted class"));
    plot_->yAxis->setLabel(tr("True class"));
    // Each name ends under its column, so the last one never runs past the plot's edge.
    plot_->xAxis->setTickLabelRotation(-45);
    plot_->yAxis->setRangeReversed(true); // the first class on top, as a table reads
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        const int p = int(std::lround(plot_->xAxis->pixelToCoord(event->pos().x())));
        const int t = int(std::lround(plot_->yAxis->pixelToCoord(event->pos().y())));
        if (!plot_->axisRect()->rect().contains(event->pos()) || t < 0 || p < 0 ||
            t >= classCount() || p >= classCount()) {
            QToolTip::hideText();
            return;
        }
        qint64 row = 0;
        for (qint64 count : counts_[t])
            row += count;
        QToolTip::showText(
            event->globalPosition().toPoint(),
            tr("true %1, predicted %2: %3 of %4 (%5%)")
                .arg(classes_[t], classes_[p])
                .arg(counts_[t][p])
                .arg(row)
                .arg(row > 0 ? 100.0 * double(counts_[t][p]) / double(row) : 0.0, 0, 'f', 1),
            plot_);
    });
    clear();
}

void ConfusionMatrixPlot::setMatrix(const QStringList& classes,
                                    const QVector<QVector<qint64>>& counts) {
    classes_ = classes;
    counts_ = counts;
    const int k = classCount();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < k; ++i)
        ticker->addTick(i, classes_[i]);
    plot_->xAxis->setTicker(ticker);
    plot_->yAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.5, k - 0.5);
    plot_->yAxis->setRange(-0.5, k - 0.5);
    map_->data()->setSize(k, k);
    map_->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    for (QCPItemText* label : labels_)
        plot_->removeItem(label);
    labels_.clear();
    // Numbers in the cells say more than a colour bar, and its width goes to the cells.
    const bool withText = k <= kMaxClassesWithText;
    if (withText && scaleShown_) {
        plot_->plotLayout()->take(scale_);
        plot_->plotLayout()->simplify();
    } else if (!withText && !scaleShown_) {
        plot_->plotLayout()->addElement(0, 1, scale_);
    }
    scaleShown_ = !withText;
    scale_->setVisible(scaleShown_); // a layerable out of the layout is still drawn
    if (withText) {
        QFont font = plot_->font();
        font.setPointSizeF(k <= 12 ? 8.5 : 7);
        for (int t = 0; t < k; ++t) {
            for (int p = 0; p < k; ++p) {
                auto* label = new QCPItemText(plot_);
                label->position->setType(QCPItemPosition::ptPlotCoords);
                label->position->setCoords(p, t);
                label->setPositionAlignment(Qt::AlignCenter);
                label->setFont(font);
                label->setClipToAxisRect(true);
                labels_.append(label);
            }
        }
    }
    redraw();
}

void ConfusionMatrixPlot::clear() {
    setMatrix({}, {});
}

void ConfusionMatrixPlot::setRowNormalized(bool normalized) {
    if (normalized == normalized_)
        return;
    normalized_ = normalized;
    const QSignalBlocker blocker(normalizeBox_);
    normalizeBox_->setChecked(normalized);
    redraw();
}

double ConfusionMatrixPlot::cellValue(int trueClass, int predictedClass) const {
    return map_->data()->cell(predictedClass, trueClass);
}

QString ConfusionMatrixPlot::cellText(int trueClass, int predictedClass) const {
    const int k = classCount();
    const auto index = qsizetype(trueClass) * k + predictedClass;
    return index < labels_.size() ? labels_[index]->text() : QString();
}

QString ConfusionMatrixPlot::axisLabel(int index) const {
    const auto ticker = plot_->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
    return ticker ? ticker->ticks().value(index) : QString();
}

void ConfusionMatrixPlot::redraw() {
    const int k = classCount();
    double largest = 0;
    for (int t = 0; t < k; ++t) {
        qint64 row = 0;
        for (qint64 count : counts_[t])
            row += count;
        for (int p = 0; p < k; ++p) {
            const double value = normalized_ ? (row > 0 ? double(counts_[t][p]) / double(row) : 0.0)
                                             : double(counts_[t][p]);
            map_->data()->setCell(p, t, value);
            largest = std::max(largest, value);
        }
    }
    const double top = normalized_ ? 1.0 : std::max(1.0, largest);
    map_->setDataRange(QCPRange(0, top));
    scale_->axis()->setLabel(normalized_ ? tr("share of the true class") : tr("test examples"));
    for (int t = 0; t < k && !labels_.isEmpty(); ++t) {
        for (int p = 0; p < k; ++p) {
            const double value = map_->data()->cell(p, t);
            QCPItemText* label = labels_[qsizetype(t) * k + p];
            label->setText(normalized_ ? QString::number(value, 'f', 2)
                                       : QString::number(counts_[t][p]));
            // Light text on the dark end of the scale, dark text elsewhere.
            label->setColor(value / top > 0.55 ? Qt::white : QColor(0x20, 0x20, 0x20));
        }
    }
    plot_->setVisible(k > 0);
    normalizeBox_->setEnabled(k > 0);
    plot_->replot();
}

} // namespace trainlab
