#pragma once

#include "store/RunEvaluation.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QCPItemLine;
class QCPItemText;

namespace trainlab {

/// Which one-vs-rest curves the plot draws.
enum class CurveKind { Invalid, Roc, PrecisionRecall };

/// One-vs-rest ROC or precision-recall curves of an evaluation, one per class (all at once, or
/// the class chosen), each named in the legend with its area (ROC-AUC or average precision).
class EvaluationCurvesPlot : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationCurvesPlot(QWidget* parent = nullptr);

    void setCurves(const QStringList& classes, const QVector<EvaluationCurve>& roc,
                   const QVector<EvaluationCurve>& pr);
    void clear() { setCurves({}, {}, {}); }
    void setKind(CurveKind kind);
    CurveKind kind() const { return kind_; }
    /// Draws only class `classIndex`'s curve; -1: every class.
    void setClassShown(int classIndex);
    int classShown() const { return classShown_; }

    /// The curves drawn now, and their legend entries ("Shirt (AUC 0.912)").
    int curveCount() const;
    QStringList legendTexts() const;
    QCustomPlot* plot() const { return plot_; }
    QComboBox* kindBox() const { return kindBox_; }
    QComboBox* classBox() const { return classBox_; }

private:
    void redraw();

    QCustomPlot* plot_;
    QComboBox* kindBox_;
    QComboBox* classBox_;
    QCPItemLine* diagonal_;
    QCPItemText* notice_;
    QStringList classes_;
    QVector<EvaluationCurve> roc_;
    QVector<EvaluationCurve> pr_;
    CurveKind kind_ = CurveKind::Roc;
    int classShown_ = -1;
};

} // namespace trainlab
