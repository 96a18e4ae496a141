#include "SweepView.h"

#include "FigureExport.h"
#include "ParallelCoordinatesPlot.h"
#include "SweepCharts.h"
#include "SweepLeaderboardModel.h"

#include "base/RunStatus.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

namespace {

QCustomPlot* newChart(const QString& name) {
    auto* plot = new QCustomPlot;
    plot->setObjectName(name);
    plot->setMinimumHeight(160);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(8);
    plot->legend->setFont(legendFont);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    return plot;
}

} // namespace

SweepView::SweepView(QWidget* parent)
    : QWidget(parent)
    , headline_(new QLabel)
    , charts_(new QTabWidget)
    , parallel_(new ParallelCoordinatesPlot)
    , history_(newChart(QStringLiteral("sweepHistoryPlot")))
    , scatter_(newChart(QStringLiteral("sweepScatterPlot")))
    , pareto_(newChart(QStringLiteral("sweepParetoPlot")))
    , importance_(newChart(QStringLiteral("sweepImportancePlot")))
    , leaderboard_(new SweepLeaderboardModel(this)) {
    headline_->setObjectName(QStringLiteral("sweepHeadline"));
    headline_->setWordWrap(true);
    headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headline_->setText(tr("Select a sweep, or one of its trials, in the runs table."));
    parallel_->setObjectName(QStringLiteral("parallelCoordinates"));
    charts_->setObjectName(QStringLiteral("sweepCharts"));
    charts_->addTab(parallel_, tr("Parallel coordinates"));
    charts_->addTab(history_, tr("Objective by trial"));
    charts_->addTab(buildScatterTab(), tr("Scatter"));
    charts_->addTab(pareto_, tr("Pareto front"));
    charts_->addTab(importance_, tr("Importance"));

    auto* exportButton = new QToolButton;
    exportButton->setObjectName(QStringLiteral("sweepExportButton"));
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    QAction* chartAction = exportMenu->addAction(tr("Chart as PNG, SVG or PDF…"));
    chartAction->setObjectName(QStringLiteral("exportSweepChartAction"));
    connect(chartAction, &QAction::triggered, this, [this] {
        askToSaveFigure(this, charts_->currentWidget(),
                        tr("sweep-%1-%2").arg(sweep_.id).arg(charts_->currentIndex()),
                        [this](QWidget*, const QString& path, QString* error) {
                            return saveCurrentChart(path, error);
                        });
    });
    QAction* tableAction = exportMenu->addAction(tr("Leaderboard as CSV…"));
    tableAction->setObjectName(QStringLiteral("exportLeaderboardAction"));
    connect(tableAction, &QAction::triggered, this, [this] {
        askToSaveTable(this, leaderboard_, tr("sweep-%1-leaderboard").arg(sweep_.id), Qt::EditRole);
    });
    exportButton->setMenu(exportMenu);
    auto* top = new QHBoxLayout;
    top->addWidget(headline_, 1);
    top->addWidget(exportButton, 0, Qt::AlignTop);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(charts_);
    splitter->addWidget(buildLeaderboard());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(parallel_, &ParallelCoordinatesPlot::brushesChanged, this,
            &SweepView::onBrushesChanged);
}

QWidget* SweepView::buildScatterTab() {
    auto* page = new QWidget;
    scatterX_ = new QComboBox;
    scatterX_->setObjectName(QStringLiteral("scatterXBox"));
    scatterY_ = new QComboBox;
    scatterY_->setObjectName(QStringLiteral("scatterYBox"));
    for (QComboBox* box : {scatterX_, scatterY_})
        connect(box, qOverload<int>(&QComboBox::activated), this, [this] { redrawScatter(); });
    auto* choosers = new QHBoxLayout;
    choosers->addWidget(new QLabel(tr("x:")));
    choosers->addWidget(scatterX_);
    choosers->addWidget(new QLabel(tr("y:")));
    choosers->addWidget(scatterY_);
    choosers->addStretch(1);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choosers);
    layout->addWidget(scatter_, 1);
    return page;
}

QWidget* SweepView::buildLeaderboard() {
    auto* box = new QWidget;
    table_ = new QTableView;
    table_->setObjectName(QStringLiteral("leaderboardView"));
    table_->setModel(leaderboard_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->verticalHeader()->hide();
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const SweepTrialPoint* t = leaderboard_->trialAt(index.row()))
            Q_EMIT runActivated(t->run);
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SweepView::updateButtons);
    connect(leaderboard_, &QAbstractItemModel::modelReset, this, &SweepView::updateButtons);

    compareButton_ = new QPushButton(tr("Compare selected"));
    compareButton_->setObjectName(QStringLiteral("compareTrialsButton"));
    compareButton_->setToolTip(tr("Overlay the curves of the selected trials (Ctrl or Shift to "
                                  "select several)"));
    connect(compareButton_, &QPushButton::clicked, this,
            [this] { Q_EMIT compareRequested(selectedRuns()); });
    clearFilterButton_ = new QPushButton(tr("Clear filter"));
    clearFilterButton_->setObjectName(QStringLiteral("clearBrushButton"));
    clearFilterButton_->setToolTip(tr("Remove the ranges brushed on the parallel coordinates"));
    connect(clearFilterButton_, &QPushButton::clicked, parallel_,
            &ParallelCoordinatesPlot::clearBrushes);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Leaderboard")));
    buttons->addStretch(1);
    buttons->addWidget(clearFilterButton_);
    buttons->addWidget(compareButton_);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(table_, 1);
    updateButtons();
    return box;
}

void SweepView::showSweep(const SweepSummary& sweep) {
    const bool sameSweep = sweep.id == sweep_.id;
    sweep_ = sweep;
    headline_->setText(headline());
    parallel_->setSweep(sweep_); // keeps the brush when the axes stay
    leaderboard_->setSweep(sweep_);
    if (!parallel_->brushes().isEmpty())
        leaderboard_->setShownTrials(parallel_->trialsInside());
    else if (!sameSweep)
        Q_EMIT filterChanged({}, false);
    drawObjectiveHistory(history_, sweep_);
    fillScatterFields();
    redrawScatter();
    drawPareto(pareto_, sweep_); // a single-objective sweep gets a hint saying why there is none
    drawImportance(importance_, sweep_);
}

bool SweepView::running() const {
    return sweep_.status == RunStatus::Running || sweep_.status == RunStatus::Queued;
}

QString SweepView::headline() const {
    if (sweep_.empty())
        return tr("Select a sweep, or one of its trials, in the runs table.");
    int completed = 0;
    int pruned = 0;
    int failed = 0;
    for (const SweepTrialPoint& t : sweep_.trials) {
        completed += t.status == RunStatus::Completed;
        pruned += t.status == RunStatus::Pruned;
        failed += t.status == RunStatus::Failed;
    }
    QString text =
        tr("<b>Sweep %1</b> %2 · %3, %4 · %5 trials: %6 completed, %7 pruned, %8 failed")
            .arg(sweep_.id)
            .arg(sweep_.name.toHtmlEscaped(), sweep_.strategy, runStatusName(sweep_.status))
            .arg(sweep_.trials.size())
            .arg(completed)
            .arg(pruned)
            .arg(failed);
    const QVector<int> order = leaderboardOrder(sweep_);
    if (!order.isEmpty()) {
        const SweepTrialPoint& best = sweep_.trials[order.front()];
        if (const auto value = sweep_.objectiveValue(best))
            text += tr(" · best: trial %1, %2 = %3")
                        .arg(best.trial)
                        .arg(sweep_.objectives.front().metric)
                        .arg(*value, 0, 'g', 5);
    }
    if (!sweep_.error.isEmpty())
        text += QStringLiteral("<br>") + sweep_.error.toHtmlEscaped();
    return text;
}

void SweepView::fillScatterFields() {
    const QStringList fields = sweep_.params + sweep_.metrics;
    const QString x = scatterX_->currentText();
    const QString y = scatterY_->currentText();
    scatterX_->clear();
    scatterY_->clear();
    scatterX_->addItems(fields);
    scatterY_->addItems(fields);
    // First look: the first parameter against the objective.
    const QString objective =
        sweep_.objectives.isEmpty() ? QString() : sweep_.objectives.front().metric;
    scatterX_->setCurrentIndex(std::max(
        0, int(fields.indexOf(x.isEmpty() || !fields.contains(x) ? QString(sweep_.params.value(0))
                                                                 : x))));
    scatterY_->setCurrentIndex(
        std::max(0, int(fields.indexOf(y.isEmpty() || !fields.contains(y) ? objective : y))));
}

void SweepView::redrawScatter() {
    drawScatter(scatter_, sweep_, scatterX_->currentText(), scatterY_->currentText());
}

void SweepView::onBrushesChanged() {
    const bool filtered = !parallel_->brushes().isEmpty();
    const QSet<int> inside = parallel_->trialsInside();
    leaderboard_->setShownTrials(filtered ? std::optional<QSet<int>>(inside) : std::nullopt);
    QList<qint64> runs;
    for (const SweepTrialPoint& t : sweep_.trials)
        if (inside.contains(t.trial))
            runs.append(t.run);
    Q_EMIT filterChanged(runs, filtered);
}

void SweepView::updateButtons() {
    compareButton_->setEnabled(selectedRuns().size() >= 2);
    clearFilterButton_->setEnabled(parallel_ && !parallel_->brushes().isEmpty());
}

QList<qint64> SweepView::selectedRuns() const {
    QList<int> rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QList<qint64> runs;
    for (int row : rows)
        if (const SweepTrialPoint* t = leaderboard_->trialAt(row))
            runs.append(t->run);
    return runs;
}

bool SweepView::saveCurrentChart(const QString& path, QString* error) {
    QWidget* current = charts_->currentWidget();
    if (current == parallel_)
        return saveWidgetFigure(parallel_, path, error);
    if (current != history_ && current != pareto_ && current != importance_)
        current = scatter_;
    return savePlotFile(static_cast<QCustomPlot*>(current), path, error);
}

} // namespace trainlab
