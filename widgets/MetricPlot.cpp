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
    plot_->legend->setVisible(true);
    plot_->legend->setBrush(QColor(255, 255, 255, 200));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (qsizetype i = 0; i < metrics_.size(); ++i) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(metrics_[i]);
        QPen pen(seriesColors()[i % seriesColors().size()]);
        pen.setWidthF(1.6);
        graph->setPen(pen);
        // Per-epoch metrics are sparse: mark their points so a short series is still visible.
        if (metrics_[i].startsWith(QLatin1String("val_")))
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        graphs_.insert(metrics_[i], graph);
    }
    setMinimumSize(320, 200);
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

void MetricPlot::rescaleAndReplot() {
    plot_->rescaleAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace trainlab
