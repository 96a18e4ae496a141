// The main window's Sweep results tab: the sweep of the current row (a sweep's row or one of its
// trials), read while the tab shows, again every few seconds while that sweep runs; its brush
// narrows the runs table.
#include "MainWindow.h"
#include "ParallelCoordinatesPlot.h"
#include "RunsBrowser.h"
#include "SweepView.h"

#include "store/HistoryReader.h"

#include <QTabWidget>
#include <QTimer>

namespace trainlab {

namespace {

constexpr int kSweepRefreshMs = 3000;

} // namespace

void MainWindow::buildSweepView() {
    sweepView_ = new SweepView;
    sweepView_->setObjectName(QStringLiteral("sweepView"));
    runViews_->addTab(sweepView_, tr("Sweep results"));
    connect(history_->reader(), &HistoryReader::sweepLoaded, this,
            [this](const SweepSummary& sweep) {
                if (sweep.id == wantedSweep_)
                    sweepView_->showSweep(sweep);
            });
    connect(runsBrowser_, &RunsBrowser::currentRunChanged, this,
            [this] { followSweep(runsBrowser_->currentSweepId()); });
    connect(runViews_, &QTabWidget::currentChanged, this, [this] { loadSweepIfShown(); });
    auto* refresh = new QTimer(this);
    connect(refresh, &QTimer::timeout, this, [this] {
        if (sweepView_->running())
            loadSweepIfShown(true);
    });
    refresh->start(kSweepRefreshMs);

    connect(sweepView_, &SweepView::filterChanged, this,
            [this](const QList<qint64>& runs, bool filtered) {
                runsBrowser_->restrictToRuns(filtered ? std::optional<QList<qint64>>(runs)
                                                      : std::nullopt);
            });
    // The table's button lifts the restriction: the brush goes with it.
    connect(runsBrowser_, &RunsBrowser::restrictionChanged, this, [this](bool restricted) {
        if (!restricted)
            sweepView_->parallelPlot()->clearBrushes();
    });
    connect(sweepView_, &SweepView::runActivated, this, [this](qint64 run) {
        runsBrowser_->showRunRow(run);
        showRun(run);
        runViews_->setCurrentIndex(0); // its curves
    });
    connect(sweepView_, &SweepView::compareRequested, this, &MainWindow::compareRuns);
}

void MainWindow::showSweepResults(qint64 sweepId) {
    runViews_->setCurrentWidget(sweepView_);
    tabs_->setCurrentIndex(0); // the Runs page
    followSweep(sweepId);
}

void MainWindow::followSweep(qint64 sweepId) {
    if (sweepId <= 0 || sweepId == wantedSweep_)
        return;
    wantedSweep_ = sweepId;
    loadSweepIfShown();
}

void MainWindow::loadSweepIfShown(bool again) {
    // Read only while it shows: choosing rows elsewhere costs nothing here.
    if (wantedSweep_ <= 0 || !sweepView_->isVisible())
        return;
    if (again || sweepView_->sweepId() != wantedSweep_)
        history_->loadSweep(wantedSweep_);
}

} // namespace trainlab
