#pragma once

#include "base/RunStatus.h"
#include "store/RunEvaluation.h"

#include <QWidget>

class QAction;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;

namespace trainlab {

class ClassMetricsModel;
class ConfusionMatrixPlot;
class EvaluationCurvesPlot;
class MisclassifiedGallery;

/// The selected run's test evaluation: a summary line, then pages for the confusion matrix,
/// the per-class table, the ROC and precision-recall curves, and (image datasets) the
/// misclassified examples. Runs without one say why instead: nothing selected, still
/// training, a regression run, ended before its evaluation. The data comes from the history
/// reader (RunEvaluation); the view asks for nothing itself. Export writes the heatmap and
/// curves as PNG or PDF and the per-class table as CSV (Export button or context menus).
class EvaluationView : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationView(QWidget* parent = nullptr);

    /// Starts showing run `runId` (0: none), whose status is `status` (Invalid: unknown).
    void showRun(qint64 runId, RunStatus status);
    /// The runs list's status of a run; when the shown run's changes (training ended), its
    /// evaluation is wanted again.
    void setRunStatus(qint64 runId, RunStatus status);
    qint64 runId() const { return runId_; }
    /// Whether the shown run's evaluation should be read: not yet asked for at its status.
    bool needsEvaluation() const;
    /// Records that the evaluation was asked for (the reader answers with setEvaluation).
    void evaluationRequested();
    /// The reader's answer; one for another run is ignored.
    void setEvaluation(const RunEvaluation& evaluation);
    const RunEvaluation& evaluation() const { return evaluation_; }

    /// The sentence shown instead of an evaluation; empty while one is shown.
    QString emptyText() const;
    QString summaryText() const;
    ConfusionMatrixPlot* matrixPlot() const { return matrix_; }
    ClassMetricsModel* classModel() const { return classModel_; }
    QTableView* classTable() const { return classTable_; }
    EvaluationCurvesPlot* curvesPlot() const { return curves_; }
    MisclassifiedGallery* gallery() const { return gallery_; }
    QTabWidget* pages() const { return pages_; }

    // Export, each through a non-blocking save dialog.
    void exportMatrix();
    void exportCurves();
    void exportTable();

private:
    void showEmpty(const QString& text);
    void addContextMenu(QWidget* widget, QAction* action);

    QStackedWidget* stack_;
    QLabel* empty_;
    QLabel* summary_;
    QToolButton* exportButton_;
    QTabWidget* pages_;
    ConfusionMatrixPlot* matrix_;
    ClassMetricsModel* classModel_;
    QTableView* classTable_;
    EvaluationCurvesPlot* curves_;
    MisclassifiedGallery* gallery_;
    QAction* exportMatrixAction_;
    QAction* exportCurvesAction_;
    QAction* exportTableAction_;
    qint64 runId_ = 0;
    RunStatus status_ = RunStatus::Invalid;
    qint64 requestedRun_ = 0;
    RunStatus requestedStatus_ = RunStatus::Invalid;
    RunEvaluation evaluation_;
};

} // namespace trainlab
