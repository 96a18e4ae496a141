#include "LrSchedulePlot.h"

#include "train/LrSchedule.h"

#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

namespace trainlab {

namespace {

// Enough points for a smooth curve at any window width; a million-step run is not drawn step
// by step.
constexpr qint64 kMaxPoints = 2000;

} // namespace

LrSchedulePlot::LrSchedulePlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0,
                                    new QCPTextElement(plot_, tr("Learning rate over the run"),
                                                       QFont(font().family(), 10, QFont::Bold)));
    plot_->xAxis->setLabel(tr("optimizer step"));
    plot_->yAxis->setLabel(tr("learning rate"));
    QPen pen(QColor(0x1f, 0x77, 0xb4));
    pen.setWidthF(1.8);
    plot_->addGraph()->setPen(pen);
    emptyText_ = new QCPItemText(plot_);
    emptyText_->setPositionAlignment(Qt::AlignCenter);
    emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyText_->position->setCoords(0.5, 0.5);
    emptyText_->setColor(Qt::gray);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMinimumSize(320, 220);
    showEmpty(QString());
}

void LrSchedulePlot::setSchedule(const ScheduleSpec& schedule, double baseLr, qint64 totalSteps,
                                 qint64 stepsPerEpoch) {
    if (totalSteps <= 0 || stepsPerEpoch <= 0) {
        showEmpty(tr("No steps planned"));
        return;
    }
    const qint64 stride = std::max<qint64>(1, (totalSteps + kMaxPoints - 1) / kMaxPoints);
    QVector<double> steps;
    QVector<double> rates;
    for (qint64 step = 0; step < totalSteps; step += stride) {
        steps << double(step);
        rates << scheduledLr(schedule, baseLr, step, totalSteps, int(step / stepsPerEpoch));
    }
    if (steps.last() != double(totalSteps - 1)) {
        steps << double(totalSteps - 1);
        rates << scheduledLr(schedule, baseLr, totalSteps - 1, totalSteps,
                             int((totalSteps - 1) / stepsPerEpoch));
    }
    plot_->graph(0)->setData(steps, rates, true);
    emptyText_->setVisible(false);
    plot_->rescaleAxes();
    const QCPRange x = plot_->xAxis->range();
    if (x.size() < 1)
        plot_->xAxis->setRange(x.center() - 1, x.center() + 1);
    // Start the axis at 0 so a constant rate reads as a level line, not noise around a value.
    const QCPRange y = plot_->yAxis->range();
    plot_->yAxis->setRange(0, y.upper > 0 ? y.upper * 1.08 : 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LrSchedulePlot::showEmpty(const QString& why) {
    plot_->graph(0)->data()->clear();
    emptyText_->setText(why);
    emptyText_->setVisible(true);
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QVector<QPointF> LrSchedulePlot::points() const {
    QVector<QPointF> result;
    for (const QCPGraphData& p : *plot_->graph(0)->data())
        result << QPointF(p.key, p.value);
    return result;
}

QString LrSchedulePlot::emptyText() const {
    return emptyText_->visible() ? emptyText_->text() : QString();
}

} // namespace trainlab
