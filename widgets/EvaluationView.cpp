#include "EvaluationView.h"

#include "ClassMetricsModel.h"
#include "ConfusionMatrixPlot.h"
#include "EvaluationCurvesPlot.h"
#include "FigureExport.h"
#include "MisclassifiedGallery.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

namespace {

QString figure(double value) {
    return QString::number(value, 'f', 4);
}

} // namespace

EvaluationView::EvaluationView(QWidget* parent)
    : QWidget(parent)
    , stack_(new QStackedWidget(this))
    , empty_(new QLabel)
    , summary_(new QLabel)
    , exportButton_(new QToolButton)
    , pages_(new QTabWidget)
    , matrix_(new ConfusionMatrixPlot)
    , classModel_(new ClassMetricsModel(this))
    , classTable_(new QTableView)
    , curves_(new EvaluationCurvesPlot)
    , gallery_(new MisclassifiedGallery) {
    empty_->setObjectName(QStringLiteral("evaluationEmpty"));
    empty_->setWordWrap(true);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setMargin(24);
    summary_->setObjectName(QStringLiteral("evaluationSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    exportMatrixAction_ = new QAction(tr("Confusion matrix as PNG or PDF…"), this);
    exportCurvesAction_ = new QAction(tr("Curves as PNG or PDF…"), this);
    exportTableAction_ = new QAction(tr("Per-class table as CSV…"), this);
    exportMatrixAction_->setObjectName(QStringLiteral("exportMatrixAction"));
    exportCurvesAction_->setObjectName(QStringLiteral("exportCurvesAction"));
    exportTableAction_->setObjectName(QStringLiteral("exportTableAction"));
    connect(exportMatrixAction_, &QAction::triggered, this, &EvaluationView::exportMatrix);
    connect(exportCurvesAction_, &QAction::triggered, this, &EvaluationView::exportCurves);
    connect(exportTableAction_, &QAction::triggered, this, &EvaluationView::exportTable);
    auto* exportMenu = new QMenu(this);
    exportMenu->addActions({exportMatrixAction_, exportCurvesAction_, exportTableAction_});
    exportButton_->setObjectName(QStringLiteral("evaluationExportButton"));
    exportButton_->setText(tr("Export"));
    exportButton_->setMenu(exportMenu);
    exportButton_->setPopupMode(QToolButton::InstantPopup);
    exportButton_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    exportButton_->setToolTip(tr("Save the heatmap or the curves as PNG or PDF, or the "
                                 "per-class table as CSV (SVG is not offered: Qt SVG is not "
                                 "part of this build)"));

    auto* sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(classModel_);
    sorted->setSortRole(ClassMetricsModel::ValueRole);
    classTable_->setObjectName(QStringLiteral("classMetricsTable"));
    classTable_->setModel(sorted);
    classTable_->setSortingEnabled(true);
    classTable_->sortByColumn(-1, Qt::AscendingOrder); // class order until a header is clicked
    classTable_->verticalHeader()->hide();
    classTable_->setAlternatingRowColors(true);
    classTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    classTable_->setWordWrap(false);
    classTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    classTable_->horizontalHeader()->setSectionResizeMode(ClassMetricsModel::Class,
                                                          QHeaderView::ResizeToContents);

    pages_->setObjectName(QStringLiteral("evaluationPages"));
    pages_->setDocumentMode(true);
    pages_->addTab(matrix_, tr("Confusion matrix"));
    pages_->addTab(classTable_, tr("Per class"));
    pages_->addTab(curves_, tr("ROC / PR curves"));
    pages_->addTab(gallery_, tr("Misclassified"));
    addContextMenu(matrix_->plot(), exportMatrixAction_);
    addContextMenu(curves_->plot(), exportCurvesAction_);
    addContextMenu(classTable_, exportTableAction_);

    auto* content = new QWidget;
    auto* header = new QHBoxLayout;
    header->addWidget(summary_, 1);
    header->addWidget(exportButton_, 0, Qt::AlignTop);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(4, 4, 4, 4);
    contentLayout->addLayout(header);
    contentLayout->addWidget(pages_, 1);
    stack_->addWidget(empty_);
    stack_->addWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);
    showRun(0, RunStatus::Invalid);
}

void EvaluationView::addContextMenu(QWidget* widget, QAction* action) {
    widget->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(widget, &QWidget::customContextMenuRequested, this, [this, widget, action](QPoint at) {
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(action);
        menu->popup(widget->mapToGlobal(at));
    });
}

void EvaluationView::showRun(qint64 runId, RunStatus status) {
    runId_ = runId;
    status_ = status;
    requestedRun_ = 0;
    evaluation_ = RunEvaluation();
    evaluation_.runId = runId;
    evaluation_.state = runId > 0 ? EvaluationState::Invalid : EvaluationState::NoRun;
    matrix_->clear();
    classModel_->setClasses({});
    curves_->clear();
    gallery_->clear();
    showEmpty(runId > 0 ? tr("Reading the evaluation of run %1…").arg(runId)
                        : tr("Select a run in the list to see how it does on its test split: "
                             "confusion matrix, per-class precision, recall and F1, ROC and "
                             "precision-recall curves, and its misclassified images."));
}

void EvaluationView::setRunStatus(qint64 runId, RunStatus status) {
    if (runId == runId_)
        status_ = status;
}

bool EvaluationView::needsEvaluation() const {
    return runId_ > 0 && (requestedRun_ != runId_ || requestedStatus_ != status_);
}

void EvaluationView::evaluationRequested() {
    requestedRun_ = runId_;
    requestedStatus_ = status_;
}

void EvaluationView::setEvaluation(const RunEvaluation& evaluation) {
    if (evaluation.runId != runId_)
        return;
    evaluation_ = evaluation;
    if (!evaluation.available()) {
        matrix_->clear();
        classModel_->setClasses({});
        curves_->clear();
        gallery_->clear();
        QString text = evaluation.reason;
        if (evaluation.state == EvaluationState::Pending)
            text = tr("Run %1 is still training: it is evaluated on its test split when training "
                      "ends, and shows here then.")
                       .arg(runId_);
        showEmpty(text);
        return;
    }
    qint64 examples = 0;
    for (const ClassEvaluation& c : evaluation.perClass)
        examples += c.support;
    QStringList parts;
    parts << tr("accuracy <b>%1</b>").arg(figure(evaluation.accuracy));
    if (evaluation.topK > 1 && evaluation.topK < evaluation.classes.size())
        parts << tr("top-%1 %2").arg(evaluation.topK).arg(figure(evaluation.topKAccuracy));
    parts << tr("macro F1 %1").arg(figure(evaluation.macroF1));
    if (evaluation.macroAuc)
        parts << tr("macro ROC-AUC %1").arg(figure(*evaluation.macroAuc));
    if (evaluation.macroAp)
        parts << tr("macro AP %1").arg(figure(*evaluation.macroAp));
    parts << tr("weighted F1 %1").arg(figure(evaluation.weightedF1));
    summary_->setText(tr("Run %1 on its test split (%2 examples, %3 classes): %4")
                          .arg(runId_)
                          .arg(examples)
                          .arg(evaluation.classes.size())
                          .arg(parts.join(QStringLiteral(" · "))));
    matrix_->setMatrix(evaluation.classes, evaluation.confusion);
    classModel_->setClasses(evaluation.perClass);
    curves_->setCurves(evaluation.classes, evaluation.roc, evaluation.pr);
    gallery_->setEvaluation(evaluation);
    const int galleryPage = pages_->indexOf(gallery_);
    pages_->setTabEnabled(galleryPage, evaluation.hasMisclassified);
    pages_->setTabToolTip(galleryPage,
                          evaluation.hasMisclassified ? QString() : tr("Image datasets only"));
    if (!evaluation.hasMisclassified && pages_->currentIndex() == galleryPage)
        pages_->setCurrentIndex(0);
    stack_->setCurrentIndex(1);
}

QString EvaluationView::emptyText() const {
    return stack_->currentIndex() == 0 ? empty_->text() : QString();
}

QString EvaluationView::summaryText() const {
    return summary_->text();
}

void EvaluationView::showEmpty(const QString& text) {
    empty_->setText(text);
    stack_->setCurrentIndex(0);
}

void EvaluationView::exportMatrix() {
    askToSavePlot(this, matrix_->plot(), tr("run-%1-confusion-matrix").arg(runId_));
}

void EvaluationView::exportCurves() {
    const bool roc = curves_->kind() == CurveKind::Roc;
    askToSavePlot(
        this, curves_->plot(),
        tr("run-%1-%2-curves").arg(runId_).arg(roc ? QStringLiteral("roc") : QStringLiteral("pr")));
}

void EvaluationView::exportTable() {
    askToSaveTable(this, classModel_, tr("run-%1-per-class").arg(runId_),
                   ClassMetricsModel::ValueRole);
}

} // namespace trainlab
