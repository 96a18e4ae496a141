#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemText;

namespace trainlab {

/// A confusion matrix as a heatmap: true class down, predicted class across, class names on
/// both axes and each cell's value written in it. Shows counts, or each row divided by its sum
/// (the share of a true class predicted as each class) with the "Row-normalized" box.
class ConfusionMatrixPlot : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixPlot(QWidget* parent = nullptr);

    /// `counts` [true class][predicted class], one row and column per class.
    void setMatrix(const QStringList& classes, const QVector<QVector<qint64>>& counts);
    void clear();
    void setRowNormalized(bool normalized);
    bool rowNormalized() const { return normalized_; }

    int classCount() const { return int(classes_.size()); }
    /// The value the heatmap holds for a cell: a count, or a fraction of the true class's row.
    double cellValue(int trueClass, int predictedClass) const;
    /// The text written in a cell ("" when the matrix is too large for text).
    QString cellText(int trueClass, int predictedClass) const;
    /// The class name written on the axes at class `index` (true class axis).
    QString axisLabel(int index) const;
    QCustomPlot* plot() const { return plot_; }
    QCheckBox* normalizeBox() const { return normalizeBox_; }

private:
    void redraw();

    QCustomPlot* plot_;
    QCheckBox* normalizeBox_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    QVector<QCPItemText*> labels_; ///< row-major, one per cell
    QStringList classes_;
    QVector<QVector<qint64>> counts_;
    bool normalized_ = false;
    bool scaleShown_ = true; ///< the colour bar, only while cells carry no numbers
};

} // namespace trainlab
