#include "SystemPanel.h"

#include "MetricPlot.h"

#include <QLabel>
#include <QVBoxLayout>

namespace trainlab {

namespace {

const QString kCpu = QStringLiteral("cpu_percent");
const QString kMemory = QStringLiteral("rss_mb");

} // namespace

SystemPanel::SystemPanel(QWidget* parent)
    : QWidget(parent)
    , cpu_(new MetricPlot(tr("CPU % (of one core)"), {kCpu}))
    , memory_(new MetricPlot(tr("Resident memory, MB"), {kMemory}))
    , status_(new QLabel) {
    status_->setObjectName(QStringLiteral("systemStatus"));
    status_->setWordWrap(true);
    PlotOptions byTime;
    byTime.x = PlotXAxis::WallTime;
    cpu_->setOptions(byTime);
    memory_->setOptions(byTime);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(status_);
    layout->addWidget(cpu_, 1);
    layout->addWidget(memory_, 1);
    updateStatus();
}

void SystemPanel::showRun(qint64 runId) {
    runId_ = runId;
    lastTime_ = 0;
    samples_ = 0;
    sawGpu_ = false;
    sawPower_ = false;
    cpu_->showRun(runId);
    memory_->showRun(runId);
    updateStatus();
}

void SystemPanel::addSamples(qint64 runId, const QVector<SystemSample>& samples) {
    if (runId != runId_ || samples.isEmpty())
        return;
    QVector<MetricPoint> points;
    for (const SystemSample& s : samples) {
        if (s.time <= lastTime_)
            continue; // asked twice before the first answer came
        lastTime_ = s.time;
        ++samples_;
        const auto step = qint64(samples_);
        if (s.cpuPercent)
            points.append({runId, step, 0, kCpu, *s.cpuPercent, s.time});
        if (s.rssBytes)
            points.append({runId, step, 0, kMemory, *s.rssBytes / 1e6, s.time});
        sawGpu_ = sawGpu_ || s.gpuMemUsedBytes.has_value();
        sawPower_ = sawPower_ || s.powerW.has_value();
    }
    cpu_->addPoints(points);
    memory_->addPoints(points);
    updateStatus();
}

void SystemPanel::updateStatus() {
    if (runId_ == 0) {
        status_->setText(tr("Select a run to see its CPU and memory."));
        return;
    }
    if (samples_ == 0) {
        status_->setText(tr("No system samples recorded for run %1 yet: they are written once a "
                            "second while a run trains (runs from before this version have "
                            "none).")
                             .arg(runId_));
        return;
    }
    QStringList missing;
    if (!sawGpu_)
        missing << tr("GPU memory and utilization");
    if (!sawPower_)
        missing << tr("power");
    status_->setText(
        missing.isEmpty()
            ? tr("%n sample(s) of run %1.", nullptr, samples_).arg(runId_)
            : tr("%n sample(s) of run %1. Not recorded on this machine: %2 (this build reads no "
                 "GPU sensors; the run's energy is measured by RAPL or estimated from CPU time, "
                 "see the runs table).",
                 nullptr, samples_)
                  .arg(runId_)
                  .arg(missing.join(tr(", "))));
}

} // namespace trainlab
