#include "ThreadTuningDialog.h"

#include <QJsonArray>
#include <qcustomplot.h>

namespace trainlab {

namespace {

const QColor kBest(0x2c, 0xa0, 0x2c);
const QColor kOther(0x1f, 0x77, 0xb4);
const QColor kCurrent(0xff, 0x7f, 0x0e);

} // namespace

ThreadTuningDialog::ThreadTuningDialog(const PreflightRecord& record, QWidget* parent)
    : PreflightDialog(QStringLiteral("threads"), tr("Thread tuner"), record, parent) {
    threads_ = record.result.value(QStringLiteral("training_threads")).toInt();
    workers_ = record.result.value(QStringLiteral("loader_workers")).toInt();
    offer(threads_ > 0 ? tr("Use %1 thread(s), %2 for the loader").arg(threads_).arg(workers_)
                       : tr("Nothing to use"),
          threads_ > 0);
    draw(record.result);
}

void ThreadTuningDialog::use() {
    if (threads_ > 0)
        Q_EMIT threadsChosen(threads_, workers_);
}

void ThreadTuningDialog::draw(const QJsonObject& result) {
    const QJsonArray splits = result.value(QStringLiteral("splits")).toArray();
    const int best = result.value(QStringLiteral("best")).toInt(-1);
    const int current = result.value(QStringLiteral("current")).toInt(-1);
    QStringList labels;
    QVector<double> speeds;
    QVector<QColor> colors;
    for (qsizetype i = 0; i < splits.size(); ++i) {
        const QJsonObject s = splits[i].toObject();
        labels << tr("%1 loader\n+ %2 math")
                      .arg(s.value(QStringLiteral("loader_workers")).toInt())
                      .arg(s.value(QStringLiteral("intra_op_threads")).toInt());
        speeds << s.value(QStringLiteral("samples_per_second")).toDouble();
        colors << (i == best ? kBest : i == current ? kCurrent : kOther);
    }
    drawBars(labels, speeds, colors, tr("loader workers + intra-op threads"),
             tr("samples per second"));
    plot()->replot();
    const int cores = result.value(QStringLiteral("cores")).toInt();
    const int batch = result.value(QStringLiteral("batch_size")).toInt();
    if (best < 0) {
        setSummary(tr("Nothing was measured on %1 cores.").arg(cores));
        return;
    }
    const QString now =
        current < 0 ? tr("The spec's present split was not among those tried.")
        : current == best
            ? tr("The spec's present split (orange when not the best) is already the fastest.")
            : tr("That is %1x the spec's present split (orange).")
                  .arg(result.value(QStringLiteral("speedup")).toDouble(), 0, 'f', 2);
    setSummary(tr("On %1 cores at batch %2 the fastest split (green) is %3 loader worker(s) and "
                  "%4 intra-op thread(s): %5 samples/s. %6")
                   .arg(cores)
                   .arg(batch)
                   .arg(workers_)
                   .arg(threads_ - workers_)
                   .arg(speeds.value(best), 0, 'f', 0)
                   .arg(now));
}

} // namespace trainlab
