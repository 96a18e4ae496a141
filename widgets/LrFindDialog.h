#pragma once

#include "PreflightDialog.h"

#include <optional>

namespace trainlab {

/// A learning-rate range test's result: the loss (raw, faint; smoothed, bold) against the rate
/// on a log axis, the suggested rate marked, and a button that puts it in the experiment's
/// `training.optimizer.lr`.
class LrFindDialog : public PreflightDialog {
    Q_OBJECT
public:
    explicit LrFindDialog(const PreflightRecord& record, QWidget* parent = nullptr);

    std::optional<double> suggestedLr() const { return suggested_; }

Q_SIGNALS:
    /// "Use this rate" was clicked.
    void rateChosen(double lr);

private:
    void use() override;
    void draw(const QJsonObject& result);

    std::optional<double> suggested_;
};

} // namespace trainlab
