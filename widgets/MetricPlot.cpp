#include "MetricPlot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

namespace {

const QList<QColor>& seriesColors() {
    static const QList<QColor> colors = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                         QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28)};
    return colors;
}

} // namespace

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
    plot_->xAxis->setLabel(tr("step"));
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
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (qsizetype i = 0; i < metrics_.size(); ++i) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(metrics_[i]);
        QPen pen(seriesColors()[i % seriesColors().size()]);
        pen.setWidthF(1.6);
        graph->setPen(pen);
        graphs_.insert(metrics_[i], graph);
    }
    setMinimumSize(320, 200);
    rescaleAndReplot();
}

void MetricPlot::showRun(qint64 runId) {
    runId_ = runId;
    for (QCPGraph* graph : std::as_const(graphs_))
        graph->data()->clear();
    rescaleAndReplot();
}

void MetricPlot::setSeries(qint64 runId, const QVector<MetricPoint>& points) {
    if (runId != runId_)
        return;
    for (QCPGraph* graph : std::as_const(graphs_))
        graph->data()->clear();
    addPoints(points);
    rescaleAndReplot();
}

int MetricPlot::addPoints(const QVector<MetricPoint>& points) {
    int added = 0;
    for (const MetricPoint& p : points) {
        if (p.run != runId_)
            continue;
        if (QCPGraph* graph = graphs_.value(p.name)) {
            graph->addData(double(p.step), p.value);
            ++added;
        }
    }
    if (added > 0)
        rescaleAndReplot();
    return added;
}

int MetricPlot::pointCount(const QString& metric) const {
    const QCPGraph* graph = graphs_.value(metric);
    return graph ? graph->dataCount() : 0;
}

QString MetricPlot::emptyText() const {
    return emptyText_->visible() ? emptyText_->text() : QString();
}

void MetricPlot::rescaleAndReplot() {
    int total = 0;
    for (QCPGraph* graph : std::as_const(graphs_)) {
        const int count = graph->dataCount();
        total += count;
        // Sparse series (per-epoch metrics, a run's first point) are marked point by point:
        // a line needs two points to be seen at all.
        const bool mark = count < 2 || graph->name().startsWith(QLatin1String("val_"));
        graph->setScatterStyle(mark ? QCPScatterStyle(QCPScatterStyle::ssCircle, 5)
                                    : QCPScatterStyle(QCPScatterStyle::ssNone));
    }
    emptyText_->setVisible(total == 0);
    emptyText_->setText(runId_ > 0 ? tr("Waiting for the run's first points…")
                                   : tr("Select a run to see its curves"));
    if (total > 0) {
        plot_->rescaleAxes();
        // A single step or value has a zero-width range; give it room around the point.
        for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
            const QCPRange range = axis->range();
            if (range.size() < 1e-9)
                axis->setRange(range.center() - 1, range.center() + 1);
        }
    } else {
        plot_->xAxis->setRange(0, 1);
        plot_->yAxis->setRange(0, 1);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace trainlab
