#include "LrFindDialog.h"

#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>

namespace trainlab {

LrFindDialog::LrFindDialog(const PreflightRecord& record, QWidget* parent)
    : QDialog(parent)
    , plot_(new QCustomPlot)
    , summary_(new QLabel)
    , use_(new QPushButton) {
    setObjectName(QStringLiteral("lrFindDialog"));
    setWindowTitle(tr("Learning-rate range test: %1")
                       .arg(record.spec.value(QStringLiteral("name")).toString()));
    plot_->setObjectName(QStringLiteral("lrFindPlot"));
    plot_->setMinimumSize(560, 320);
    summary_->setObjectName(QStringLiteral("lrFindSummary"));
    summary_->setWordWrap(true);
    use_->setObjectName(QStringLiteral("useSuggestedLrButton"));
    const QJsonValue suggested = record.result.value(QStringLiteral("suggested_lr"));
    if (suggested.isDouble())
        suggested_ = suggested.toDouble();
    use_->setText(suggested_ ? tr("Use %1 as the learning rate").arg(*suggested_, 0, 'g', 3)
                             : tr("No rate to use"));
    use_->setEnabled(bool(suggested_));
    connect(use_, &QPushButton::clicked, this, [this] {
        if (suggested_)
            Q_EMIT rateChosen(*suggested_);
        accept();
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(use_, QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(plot_, 1);
    layout->addWidget(summary_);
    layout->addWidget(buttons);
    draw(record.result);
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
    QCPGraph* rawGraph = plot_->addGraph();
    rawGraph->setName(tr("loss"));
    rawGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4, 90), 1));
    rawGraph->setData(x, raw, true);
    QCPGraph* smoothGraph = plot_->addGraph();
    smoothGraph->setName(tr("smoothed loss"));
    smoothGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    smoothGraph->setData(x, smooth, true);
    plot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    plot_->xAxis->setLabel(tr("learning rate"));
    plot_->yAxis->setLabel(tr("training loss"));
    plot_->legend->setVisible(true);
    plot_->rescaleAxes();
    // The early steps set the scale: a diverging tail would flatten everything before it.
    if (!smooth.isEmpty()) {
        const double first = smooth.front();
        double low = first;
        for (double v : smooth)
            low = std::min(low, v);
        plot_->yAxis->setRange(low - 0.1 * (first - low + 1e-9), first * 1.5);
    }
    if (suggested_) {
        auto* mark = new QCPItemStraightLine(plot_);
        mark->point1->setCoords(*suggested_, 0);
        mark->point2->setCoords(*suggested_, 1);
        mark->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5, Qt::DashLine));
    }
    plot_->replot();
    const QJsonValue lowest = result.value(QStringLiteral("min_loss_lr"));
    summary_->setText(
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

QString LrFindDialog::summary() const {
    return summary_->text();
}

} // namespace trainlab
