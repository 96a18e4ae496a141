#pragma once

#include "base/SystemSample.h"
#include "store/RunRecords.h"

#include <QVector>
#include <QWidget>

class QLabel;

namespace trainlab {

class MetricPlot;

/// The selected run's system readings from system_samples: CPU % and resident memory over
/// wall time, and what this machine could not record (GPU memory, utilization, power), said in
/// words rather than drawn as empty plots; above them, what the run used and cost (energy and
/// its source, device time, cost) and where it ran. Samples arrive through HistoryReader, the
/// run's row with the runs list.
class SystemPanel : public QWidget {
    Q_OBJECT
public:
    explicit SystemPanel(QWidget* parent = nullptr);

    /// Starts showing `runId` (0: none); its samples arrive with addSamples.
    void showRun(qint64 runId);
    qint64 runId() const { return runId_; }
    /// Adds readings of the shown run (others are ignored).
    void addSamples(qint64 runId, const QVector<SystemSample>& samples);
    /// The shown run's stored row: its energy, device time, cost and environment (ignored for
    /// another run).
    void setRunFigures(const RunRecord& run);
    /// The newest reading's time, to ask the reader only for what is new.
    double lastTime() const { return lastTime_; }

    MetricPlot* cpuPlot() const { return cpu_; }
    MetricPlot* memoryPlot() const { return memory_; }
    QLabel* statusLabel() const { return status_; }
    QLabel* summaryLabel() const { return summary_; }

private:
    void updateStatus();

    MetricPlot* cpu_;
    MetricPlot* memory_;
    QLabel* status_;
    QLabel* summary_;
    qint64 runId_ = 0;
    double lastTime_ = 0;
    int samples_ = 0;
    bool sawGpu_ = false;
    bool sawPower_ = false;
    int gpuSamples_ = 0;
    SystemSample lastGpu_;
};

} // namespace trainlab
