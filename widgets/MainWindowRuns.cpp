// The main window's runs table: the browser's wiring, following runs, the selection offered to
// the compare view.
#include "EvaluationView.h"
#include "MainWindow.h"
#include "MetricPlot.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"
#include "SystemPanel.h"

#include "store/HistoryReader.h"
#include "store/ProcessToken.h"

#include <QLabel>
#include <QStackedWidget>
#include <algorithm>

namespace trainlab {

void MainWindow::buildRunsBrowser() {
    runsBrowser_ = new RunsBrowser(databasePath_, history_.get());
    runsBrowser_->setObjectName(QStringLiteral("runsBrowser"));
    runsModel_ = runsBrowser_->model();
    connect(runsBrowser_, &RunsBrowser::currentRunChanged, this, [this](qint64 id) {
        if (id > 0 && id != lossPlot_->runId())
            showRun(id);
        updateActions();
    });
    connect(runsBrowser_, &RunsBrowser::compareRequested, this, &MainWindow::compareRuns);
    connect(runsBrowser_, &RunsBrowser::edited, this, [this](const QString& summary) {
        appendLog(summary);
        statusLabel_->setText(summary);
    });
    connect(runsBrowser_, &RunsBrowser::editFailed, this,
            [this](const QString& message) { showError(tr("Runs"), message); });
    connect(runsBrowser_, &RunsBrowser::runsDeleted, this, [this](const QList<qint64>& ids) {
        if (ids.contains(lossPlot_->runId()))
            showRun(0); // its curves are gone with it
    });
    connect(runsModel_, &RunsTreeModel::orderLoaded, this, &MainWindow::onRunOrderLoaded);
    // A run that just ended has its energy and cost now, and its evaluation.
    connect(runsModel_, &RunsTreeModel::rowsLoaded, this, [this](const QList<qint64>& ids) {
        const RunTableRow* shown = runsModel_->row(systemPanel_->runId());
        if (shown && ids.contains(shown->run.id))
            systemPanel_->setRunFigures(shown->run);
        const RunTableRow* evaluated = runsModel_->row(evaluationView_->runId());
        if (evaluated && ids.contains(evaluated->run.id)) {
            evaluationView_->setRunStatus(evaluated->run.id, evaluated->run.status);
            loadEvaluationIfShown();
        }
        updateActions();
    });
    runsBrowser_->addRowActions({resumeAction_, editRunAction_, moreTrialsAction_});
}

void MainWindow::onRunsChanged(const QVector<RunRecord>& unfinished) {
    if (lossPlot_->runId() == 0) {
        // Nothing on the plots yet: a run another process (trainlab-cli) trains is followed,
        // as this window follows its own.
        const QString self = currentProcessToken();
        qint64 newest = 0;
        for (const RunRecord& run : unfinished)
            if (run.status == RunStatus::Running && !run.owner.isEmpty() && run.owner != self)
                newest = std::max(newest, run.id);
        if (newest > 0) {
            showRun(newest);
            runsBrowser_->showRunRow(newest); // once listed; else when the order comes
        }
    }
    updateActions(); // the selected run's status may have changed
}

void MainWindow::onRunOrderLoaded() {
    runsStack_->setCurrentWidget(runsModel_->totalRuns() == 0 ? static_cast<QWidget*>(emptyHint_)
                                                              : runsBrowser_);
    // The run on the plots is the current row, unless the person selected several of their own.
    const qint64 shown = lossPlot_->runId();
    if (shown > 0 && runsBrowser_->currentRunId() != shown &&
        runsBrowser_->selectedRunIds().size() <= 1)
        runsBrowser_->showRunRow(shown);
    updateActions();
}

QList<qint64> MainWindow::selectedRunIds() const {
    return runsBrowser_->selectedRunIds();
}

} // namespace trainlab
