#pragma once

#include "store/RunRecords.h"

#include <QDialog>
#include <optional>

class QCustomPlot;
class QLabel;
class QPushButton;

namespace trainlab {

/// A learning-rate range test's result: the loss (raw, faint; smoothed, bold) against the rate
/// on a log axis, the suggested rate marked, and a button that puts it in the experiment's
/// `training.optimizer.lr`.
class LrFindDialog : public QDialog {
    Q_OBJECT
public:
    explicit LrFindDialog(const PreflightRecord& record, QWidget* parent = nullptr);

    std::optional<double> suggestedLr() const { return suggested_; }
    QCustomPlot* plot() const { return plot_; }
    QPushButton* useButton() const { return use_; }
    QString summary() const;

Q_SIGNALS:
    /// "Use this rate" was clicked.
    void rateChosen(double lr);

private:
    void draw(const QJsonObject& result);

    std::optional<double> suggested_;
    QCustomPlot* plot_;
    QLabel* summary_;
    QPushButton* use_;
};

} // namespace trainlab
