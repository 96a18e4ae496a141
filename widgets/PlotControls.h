#pragma once

#include "MetricPlot.h"

#include <QVector>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace trainlab {

/// The bar above the run's plots: smoothing, log scale for y and what x counts, applied to
/// every plot it controls. The plots share one x range: zooming or panning one moves the
/// others, the cursor's read-out shows on all of them, and Fit shows all data again.
class PlotControls : public QWidget {
    Q_OBJECT
public:
    explicit PlotControls(QWidget* parent = nullptr);

    /// Puts `plot` under these controls (its options become theirs); the plot outlives them
    /// or is removed by being destroyed.
    void addPlot(MetricPlot* plot);
    const PlotOptions& options() const { return options_; }
    /// Sets every control and plot at once (as the controls would).
    void setOptions(const PlotOptions& options);
    /// Fits every plot to its data again, sharing one x range.
    void fitAll();

    QSlider* smoothingSlider() const { return smoothing_; }
    QCheckBox* logScaleBox() const { return logY_; }
    QComboBox* xAxisBox() const { return xAxis_; }
    QToolButton* fitButton() const { return fit_; }

private:
    void apply();
    void shareDataRange();
    void onUserXRange(MetricPlot* source, const XRange& range);

    PlotOptions options_;
    QVector<MetricPlot*> plots_;
    QSlider* smoothing_ = nullptr;
    QLabel* smoothingValue_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QComboBox* xAxis_ = nullptr;
    QToolButton* fit_ = nullptr;
    bool linking_ = false; ///< while one plot's change is passed on to the others
};

} // namespace trainlab
