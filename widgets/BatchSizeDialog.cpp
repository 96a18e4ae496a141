#include "BatchSizeDialog.h"

#include "train/BatchSizeSearch.h"

#include <QJsonArray>
#include <qcustomplot.h>

namespace trainlab {

namespace {

const QColor kFits(0x1f, 0x77, 0xb4);
const QColor kDoesNotFit(0xbb, 0xbb, 0xbb);
const QColor kMemory(0xd6, 0x27, 0x28);

} // namespace

BatchSizeDialog::BatchSizeDialog(const PreflightRecord& record, QWidget* parent)
    : PreflightDialog(QStringLiteral("batchSize"), tr("Batch-size finder"), record, parent) {
    microBatch_ = record.result.value(QStringLiteral("micro_batch")).toInt();
    accumulation_ = std::max(1, record.result.value(QStringLiteral("accumulation")).toInt());
    offer(microBatch_ <= 0 ? tr("No batch fits")
          : accumulation_ == 1
              ? tr("Use batch %1").arg(microBatch_)
              : tr("Use batch %1 × accumulation %2").arg(microBatch_).arg(accumulation_),
          microBatch_ > 0);
    draw(record.result);
}

void BatchSizeDialog::use() {
    if (microBatch_ > 0)
        Q_EMIT batchChosen(microBatch_, accumulation_);
}

void BatchSizeDialog::draw(const QJsonObject& result) {
    QStringList labels;
    QVector<double> speeds;
    QVector<QColor> colors;
    QVector<double> x;
    QVector<double> memory;
    const QJsonArray probes = result.value(QStringLiteral("probes")).toArray();
    for (qsizetype i = 0; i < probes.size(); ++i) {
        const QJsonObject p = probes[i].toObject();
        labels << QString::number(p.value(QStringLiteral("batch")).toInt());
        speeds << p.value(QStringLiteral("samples_per_second")).toDouble();
        colors << (p.value(QStringLiteral("fits")).toBool() ? kFits : kDoesNotFit);
        const QJsonValue peak = p.value(QStringLiteral("peak_bytes"));
        if (peak.isDouble()) {
            x << double(i);
            memory << peak.toDouble() / 1e6;
        }
    }
    drawBars(labels, speeds, colors, tr("batch size"), tr("samples per second (bars)"));
    QCustomPlot* p = plot();
    const double budget = result.value(QStringLiteral("memory_budget_bytes")).toDouble() / 1e6;
    if (!memory.isEmpty()) {
        p->yAxis2->setVisible(true);
        p->yAxis2->setLabel(tr("memory of a step, MB (line)"));
        QCPGraph* line = p->addGraph(p->xAxis, p->yAxis2);
        line->setName(tr("memory"));
        line->setPen(QPen(kMemory, 2));
        line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
        line->setData(x, memory, true);
        double top = 0;
        for (double m : memory)
            top = std::max(top, m);
        // The budget is drawn when it is in sight: far above the largest step it is a flat
        // line at the top that squashes the curve.
        if (budget > 0 && budget < 4 * top) {
            auto* limit = new QCPItemStraightLine(p);
            limit->point1->setAxes(p->xAxis, p->yAxis2);
            limit->point2->setAxes(p->xAxis, p->yAxis2);
            limit->point1->setCoords(0, budget);
            limit->point2->setCoords(1, budget);
            limit->setPen(QPen(kMemory, 1, Qt::DashLine));
            top = std::max(top, budget);
        }
        p->yAxis2->setRange(0, top * 1.15);
    }
    p->replot();
    const int largest = result.value(QStringLiteral("largest_batch")).toInt();
    const int target = result.value(QStringLiteral("target_batch")).toInt();
    const QString device = result.value(QStringLiteral("device")).toString();
    const QString limit =
        batchLimitText(result.value(QStringLiteral("limit")).toString(), budget * 1e6);
    if (largest <= 0) {
        setSummary(tr("Not even batch %1 fits on %2: the search was stopped by %3.")
                       .arg(labels.value(0), device, limit));
        return;
    }
    setSummary(tr("The largest batch that fits on %1 is <b>%2</b>, limited by %3. To reach the "
                  "effective batch %4: batch %5 with %6 accumulation step(s).")
                   .arg(device)
                   .arg(largest)
                   .arg(limit)
                   .arg(target)
                   .arg(microBatch_)
                   .arg(accumulation_));
}

} // namespace trainlab
