#pragma once

#include "store/RunRecords.h"

#include <QColor>
#include <QDialog>

class QCustomPlot;
class QLabel;
class QPushButton;

namespace trainlab {

/// What the pre-flight tools' dialogs share: a title naming the spec, a plot, a summary
/// underneath, and a button that puts what the tool found into the experiment (it closes the
/// dialog; Close leaves the experiment as it is).
class PreflightDialog : public QDialog {
    Q_OBJECT
public:
    QCustomPlot* plot() const { return plot_; }
    QPushButton* useButton() const { return use_; }
    QString summary() const;

protected:
    /// `name` prefixes the object names (lrFind: lrFindDialog, lrFindPlot, lrFindSummary).
    PreflightDialog(const QString& name, const QString& title, const PreflightRecord& record,
                    QWidget* parent);
    void setSummary(const QString& text);
    /// The use button's text; disabled when there is nothing to use.
    void offer(const QString& text, bool enabled);
    /// Bars of `values` at 0..n-1 on the plot's x axis labelled `labels` (`axisLabel` under
    /// them), each bar in its colour.
    void drawBars(const QStringList& labels, const QVector<double>& values,
                  const QVector<QColor>& colors, const QString& axisLabel,
                  const QString& valueLabel);
    /// The use button was clicked (the dialog then accepts).
    virtual void use() = 0;

private:
    QCustomPlot* plot_;
    QLabel* summary_;
    QPushButton* use_;
};

} // namespace trainlab
