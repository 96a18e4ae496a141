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
    , status_(new QLabel)
    , summary_(new QLabel) {
    status_->setObjectName(QStringLiteral("systemStatus"));
    status_->setWordWrap(true);
    summary_->setObjectName(QStringLiteral("systemSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    PlotOptions byTime;
    byTime.x = PlotXAxis::WallTime;
    cpu_->setOptions(byTime);
    memory_->setOptions(byTime);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(summary_);
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
    gpuSamples_ = 0;
    summary_->clear();
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
        if (s.device != QLatin1String("cpu")) {
            ++gpuSamples_;
            lastGpu_ = s;
        }
    }
    cpu_->addPoints(points);
    memory_->addPoints(points);
    updateStatus();
}

void SystemPanel::setRunFigures(const RunRecord& run) {
    if (run.id != runId_)
        return;
    QStringList parts;
    if (run.energyJ)
        parts << tr("Energy %1 J (%2)")
                     .arg(QString::number(*run.energyJ, 'g', 4), run.energySource.isEmpty()
                                                                     ? tr("source not recorded")
                                                                     : run.energySource);
    else
        parts << tr("Energy not recorded yet (stored when the run ends)");
    if (run.deviceHours)
        parts << tr("device time %1 s").arg(*run.deviceHours * 3600.0, 0, 'f', 1);
    parts << (run.cost ? tr("cost %1").arg(QString::number(*run.cost, 'g', 4))
                       : tr("no cost: no price was set (trainlab-cli settings set price_per_kwh "
                            "VALUE)"));
    QString text = parts.join(QStringLiteral(" · "));
    const QJsonObject& env = run.environment;
    if (!env.isEmpty())
        text +=
            QLatin1Char('\n') + tr("Ran on %1 with LibTorch %2, CUDA %3, driver %4 (world size %5)")
                                    .arg(env.value(QStringLiteral("cpu_model")).toString(),
                                         env.value(QStringLiteral("libtorch")).toString(),
                                         env.value(QStringLiteral("cuda")).toString(),
                                         env.value(QStringLiteral("driver")).toString())
                                    .arg(env.value(QStringLiteral("world_size")).toInt());
    summary_->setText(text);
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
    QString gpu;
    if (gpuSamples_ > 0) {
        auto value = [](const std::optional<double>& v, double scale, const char* unit) {
            return v ? QString::number(*v * scale, 'f', 0) + QString::fromUtf8(unit)
                     : QStringLiteral("-");
        };
        gpu = tr(" Latest %1: memory %2, utilization %3, power %4, %5.")
                  .arg(lastGpu_.device, value(lastGpu_.gpuMemUsedBytes, 1e-6, " MB"),
                       value(lastGpu_.utilPercent, 1, " %"), value(lastGpu_.powerW, 1, " W"),
                       value(lastGpu_.temperatureC, 1, " °C"));
    }
    status_->setText(
        missing.isEmpty()
            ? tr("%n sample(s) of run %1.", nullptr, samples_).arg(runId_) + gpu
            : tr("%n sample(s) of run %1. Not recorded for this run: %2 (no GPU sensor was read: "
                 "a CPU run, or NVML is not installed; the CPU's energy is measured by RAPL or "
                 "estimated from CPU time).",
                 nullptr, samples_)
                      .arg(runId_)
                      .arg(missing.join(tr(", "))) +
                  gpu);
}

} // namespace trainlab
