#pragma once

#include "PreflightDialog.h"

namespace trainlab {

/// A thread tuner's result: samples per second of each split of the cores between loader
/// workers and intra-op threads (the fastest in green, the spec's present split outlined),
/// and a button that puts the fastest into the experiment.
class ThreadTuningDialog : public PreflightDialog {
    Q_OBJECT
public:
    explicit ThreadTuningDialog(const PreflightRecord& record, QWidget* parent = nullptr);

    int threads() const { return threads_; }
    int loaderWorkers() const { return workers_; }

Q_SIGNALS:
    /// "Use …" was clicked: the run's threads in all and its loader workers among them.
    void threadsChosen(int threads, int loaderWorkers);

private:
    void use() override;
    void draw(const QJsonObject& result);

    int threads_ = 0;
    int workers_ = 0;
};

} // namespace trainlab
