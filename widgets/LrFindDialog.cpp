#include "LrFindDialog.h"

#include <QJsonArray>
#include <qcustomplot.h>

#include <cmath>

namespace trainlab {

LrFindDialog::LrFindDialog(const PreflightRecord& record, QWidget* parent)
    : PreflightDialog(QStringLiteral("lrFind"), tr("Learning-rate range test"), record, parent) {
    const QJsonValue suggested = record.result.value(QStringLiteral("suggested_lr"));
    if (suggested.isDouble())
        suggested_ = suggested.toDouble();
    offer(suggested_ ? tr("Use %1 as the learning rate").arg(*suggested_, 0, 'g', 3)
                     : tr("No rate to use"),
          bool(suggested_));
    draw(record.result);
}

void LrFindDialog::use() {
    if (suggested_)
        Q_EMIT rateChosen(*suggested_);
}

void LrFindDialog::draw(const QJsonObject& result) {
    const QJsonArray lrs = result.value(QStringLiteral("lr")).toArray();
    const QJsonArray losses = result.value(QStringLiteral("loss")).toArray();
    const QJsonArray smoothed = result.value(QStringLiteral("smoothed_loss")).toArray();
    QVector<double> x;
    QVector<double> raw;
    QVector<double> smooth;
    for (qsizetype i = 0; i < lrs.size(); ++i) {
        // A diverged last step may be infinite (stored as null): drawn as far as it is finite.
        if (!losses.at(i).isDouble() || !smoothed.at(i).isDouble())
            break;
        x.append(lrs.at(i).toDouble());
        raw.append(losses.at(i).toDouble());
        smooth.append(smoothed.at(i).toDouble());
    }
    QCPGraph* rawGraph = plot()->addGraph();
    rawGraph->setName(tr("loss"));
    rawGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4, 90), 1));
    rawGraph->setData(x, raw, true);
    QCPGraph* smoothGraph = plot()->addGraph();
    smoothGraph->setName(tr("smoothed loss"));
    smoothGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    smoothGraph->setData(x, smooth, true);
    plot()->xAxis->setScaleType(QCPAxis::stLogarithmic);
    plot()->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    plot()->xAxis->setLabel(tr("learning rate"));
    plot()->yAxis->setLabel(tr("training loss"));
    plot()->legend->setVisible(true);
    plot()->rescaleAxes();
    // The early steps set the scale: a diverging tail would flatten everything before it.
    if (!smooth.isEmpty()) {
        const double first = smooth.front();
        double low = first;
        for (double v : smooth)
            low = std::min(low, v);
        plot()->yAxis->setRange(low - 0.1 * (first - low + 1e-9), first * 1.5);
    }
    if (suggested_) {
        auto* mark = new QCPItemStraightLine(plot());
        mark->point1->setCoords(*suggested_, 0);
        mark->point2->setCoords(*suggested_, 1);
        mark->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5, Qt::DashLine));
    }
    plot()->replot();
    const QJsonValue lowest = result.value(QStringLiteral("min_loss_lr"));
    setSummary(
        suggested_
            ? tr("Suggested learning rate: <b>%1</b>, where the smoothed loss falls fastest "
                 "(red line). The loss is lowest at %2; rates beyond it are unstable.%3")
                  .arg(*suggested_, 0, 'g', 3)
                  .arg(lowest.isDouble() ? QString::number(lowest.toDouble(), 'g', 3)
                                         : QStringLiteral("-"))
                  .arg(result.value(QStringLiteral("diverged")).toBool()
                           ? tr(" The test stopped when the loss diverged.")
                           : QString())
            : tr("The loss never fell over these rates: try a wider range (trainlab-cli lr-find "
                 "--min-lr, --max-lr)."));
}

} // namespace trainlab
