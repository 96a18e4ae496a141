#include "ClassHistogramPlot.h"

#include <QJsonArray>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

ClassHistogramPlot::ClassHistogramPlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    // The legend sits in its own row under the axes, so it never covers a bar.
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->addElement(plot_->plotLayout()->rowCount(), 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(plot_->plotLayout()->rowCount() - 1, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->yAxis->setLabel(tr("samples"));
    setMinimumSize(300, 180);
}

void ClassHistogramPlot::setInspection(const QJsonObject& info) {
    plot_->clearPlottables();
    const QJsonArray classes = info.value(QStringLiteral("classes")).toArray();
    const QJsonObject histogram = info.value(QStringLiteral("histogram")).toObject();
    auto* group = new QCPBarsGroup(plot_);
    const QList<QPair<QString, QColor>> splits = {
        {QStringLiteral("train"), QColor(0x1f, 0x77, 0xb4)},
        {QStringLiteral("validation"), QColor(0xff, 0x7f, 0x0e)},
        {QStringLiteral("test"), QColor(0x2c, 0xa0, 0x2c)}};
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (qsizetype k = 0; k < classes.size(); ++k)
        ticker->addTick(double(k), classes[k].toString());
    double top = 0;
    for (const auto& [split, color] : splits) {
        const QJsonArray counts = histogram.value(split).toArray();
        if (counts.isEmpty())
            continue;
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(split);
        bars->setBrush(color);
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.25);
        bars->setBarsGroup(group);
        for (qsizetype k = 0; k < counts.size(); ++k) {
            bars->addData(double(k), counts[k].toDouble());
            top = std::max(top, counts[k].toDouble());
        }
    }
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setTickLabelRotation(classes.size() > 6 ? 35 : 0);
    plot_->xAxis->setRange(-0.6, double(classes.size()) - 0.4);
    plot_->yAxis->setRange(0, top * 1.05 + 1);
    plot_->replot();
}

int ClassHistogramPlot::barCount() const {
    return plot_->plottableCount();
}

} // namespace trainlab
