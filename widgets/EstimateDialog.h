#pragma once

#include "PreflightDialog.h"

namespace trainlab {

/// A pre-flight estimate: where a run's time goes (reading the data, training, evaluating,
/// writing checkpoints) as bars, its time, energy, device hours and cost (a sweep's too), and a
/// button that starts the experiment it was made for.
class EstimateDialog : public PreflightDialog {
    Q_OBJECT
public:
    explicit EstimateDialog(const PreflightRecord& record, QWidget* parent = nullptr);

Q_SIGNALS:
    /// "Start …" was clicked.
    void startRequested();

private:
    void use() override;
    void draw(const QJsonObject& result);
};

} // namespace trainlab
