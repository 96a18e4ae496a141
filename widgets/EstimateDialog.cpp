#include "EstimateDialog.h"

#include "jobs/RunEstimate.h"

#include <QJsonObject>
#include <qcustomplot.h>

namespace trainlab {

namespace {

QString money(const QJsonValue& cost) {
    return cost.isDouble() ? QString::number(cost.toDouble(), 'f', 2)
                           : EstimateDialog::tr("not set (Settings: price per kWh, per "
                                                "device-hour)");
}

} // namespace

EstimateDialog::EstimateDialog(const PreflightRecord& record, QWidget* parent)
    : PreflightDialog(QStringLiteral("estimate"), tr("Pre-flight estimate"), record, parent) {
    const bool sweep = record.result.value(QStringLiteral("trials")).toInt() > 1;
    offer(sweep ? tr("Start the sweep") : tr("Start the run"), true);
    draw(record.result);
}

void EstimateDialog::use() {
    Q_EMIT startRequested();
}

void EstimateDialog::draw(const QJsonObject& r) {
    const double read = r.value(QStringLiteral("read_seconds")).toDouble();
    const double train = r.value(QStringLiteral("train_seconds")).toDouble();
    const double evaluate = r.value(QStringLiteral("eval_seconds")).toDouble();
    const double checkpoints = r.value(QStringLiteral("checkpoint_seconds")).toDouble();
    drawBars({tr("read the data"), tr("train"), tr("evaluate"), tr("checkpoints")},
             {read, train, evaluate, checkpoints},
             {QColor(0x7f, 0x7f, 0x7f), QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
              QColor(0x94, 0x67, 0xbd)},
             QString(), tr("seconds of one run"));
    plot()->replot();
    const bool upperBound = r.value(QStringLiteral("may_end_early")).toBool();
    QString text =
        tr("<b>One run: %1%2</b> on %3 with %4 thread(s) — %5 steps, %6 samples/s while "
           "training.<br>Energy %7 kJ (%8), %9 device-hours, cost %10.")
            .arg(upperBound ? tr("at most ") : QString(),
                 durationText(r.value(QStringLiteral("seconds")).toDouble()),
                 r.value(QStringLiteral("device")).toString())
            .arg(r.value(QStringLiteral("threads")).toInt())
            .arg(r.value(QStringLiteral("steps")).toInteger())
            .arg(r.value(QStringLiteral("train_samples_per_second")).toDouble(), 0, 'f', 0)
            .arg(r.value(QStringLiteral("energy_j")).toDouble() / 1000, 0, 'f', 1)
            .arg(r.value(QStringLiteral("energy_source")).toString())
            .arg(r.value(QStringLiteral("device_hours")).toDouble(), 0, 'f', 3)
            .arg(money(r.value(QStringLiteral("cost"))));
    const int trials = r.value(QStringLiteral("trials")).toInt();
    if (trials > 1)
        text += tr("<br><b>The sweep, %1 trials: %2%3</b>, %4 kJ, %5 device-hours, cost %6.%7")
                    .arg(trials)
                    .arg(r.value(QStringLiteral("pruning")).toBool() || upperBound ? tr("at most ")
                                                                                   : QString(),
                         durationText(r.value(QStringLiteral("sweep_seconds")).toDouble()))
                    .arg(r.value(QStringLiteral("sweep_energy_j")).toDouble() / 1000, 0, 'f', 1)
                    .arg(r.value(QStringLiteral("sweep_device_hours")).toDouble(), 0, 'f', 3)
                    .arg(money(r.value(QStringLiteral("sweep_cost"))))
                    .arg(r.value(QStringLiteral("pruning")).toBool()
                             ? tr(" Pruned trials stop sooner, so it will likely take less.")
                             : QString());
    setSummary(text);
}

} // namespace trainlab
