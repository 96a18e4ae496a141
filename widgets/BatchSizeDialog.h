#pragma once

#include "PreflightDialog.h"

namespace trainlab {

/// A batch-size finder's result: samples per second (bars) and the memory a step used (line,
/// with the budget dashed) for each batch size tried, what ended the search, and a button that
/// puts the batch and accumulation reaching the target into the experiment.
class BatchSizeDialog : public PreflightDialog {
    Q_OBJECT
public:
    explicit BatchSizeDialog(const PreflightRecord& record, QWidget* parent = nullptr);

    int microBatch() const { return microBatch_; }
    int accumulation() const { return accumulation_; }

Q_SIGNALS:
    /// "Use batch …" was clicked: the micro-batch and the accumulation steps.
    void batchChosen(int batchSize, int accumulation);

private:
    void use() override;
    void draw(const QJsonObject& result);

    int microBatch_ = 0;
    int accumulation_ = 1;
};

} // namespace trainlab
