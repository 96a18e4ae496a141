// The main window's pre-flight tools (Run menu): Find learning rate…, Find batch size…, Tune
// threads… and Estimate time and cost… queue a tool on the experiment on the pages; once its
// result is stored, a dialog shows it, and one click puts what it found into the experiment
// (or, for the estimate, starts it).
#include "BatchSizeDialog.h"
#include "EstimateDialog.h"
#include "LrFindDialog.h"
#include "MainWindow.h"
#include "SpecDocument.h"
#include "ThreadTuningDialog.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "jobs/PreflightJob.h"
#include "jobs/SweepDefinition.h"
#include "spec/SpecJson.h"
#include "store/HistoryReader.h"

#include <QAction>

namespace trainlab {

namespace {

QAction* preflightAction(QObject* parent, const QString& text, const QString& name,
                         const QString& tip) {
    auto* action = new QAction(text, parent);
    action->setObjectName(name);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    return action;
}

} // namespace

void MainWindow::buildPreflightActions() {
    lrFindAction_ = preflightAction(
        this, tr("Find &learning rate…"), QStringLiteral("lrFindAction"),
        tr("Train briefly at a growing learning rate and suggest the rate where the loss falls "
           "fastest (a learning-rate range test)"));
    batchFindAction_ = preflightAction(
        this, tr("Find &batch size…"), QStringLiteral("batchFindAction"),
        tr("Double the batch until a step no longer fits in memory, and work out the "
           "accumulation that reaches the experiment's effective batch"));
    tuneThreadsAction_ = preflightAction(
        this, tr("&Tune threads…"), QStringLiteral("tuneThreadsAction"),
        tr("Time each split of the cores between loader workers and intra-op threads, and "
           "offer the fastest"));
    estimateAction_ = preflightAction(
        this, tr("&Estimate time and cost…"), QStringLiteral("estimateAction"),
        tr("Train for a few seconds and work out what the whole run (or sweep) will take: time, "
           "energy, device-hours and money"));
    connect(estimateAction_, &QAction::triggered, this,
            [this] { runPreflight(PreflightTool::Estimate); });
    connect(lrFindAction_, &QAction::triggered, this,
            [this] { runPreflight(PreflightTool::LrFind); });
    connect(batchFindAction_, &QAction::triggered, this,
            [this] { runPreflight(PreflightTool::BatchSize); });
    connect(tuneThreadsAction_, &QAction::triggered, this,
            [this] { runPreflight(PreflightTool::Threads); });
    connect(history_->reader(), &HistoryReader::preflightLoaded, this,
            [this](const PreflightRecord& record) {
                if (!wantedPreflights_.remove(record.id))
                    return;
                PreflightDialog* dialog = nullptr;
                if (record.kind == preflightKind(PreflightTool::LrFind)) {
                    auto* lr = new LrFindDialog(record, this);
                    connect(lr, &LrFindDialog::rateChosen, this, [this](double rate) {
                        spec_->setValue(QStringLiteral("training.optimizer.lr"), rate);
                        appendLog(tr("learning rate set to %1 (lr-find)").arg(rate, 0, 'g', 3));
                    });
                    dialog = lr;
                } else if (record.kind == preflightKind(PreflightTool::BatchSize)) {
                    auto* batch = new BatchSizeDialog(record, this);
                    connect(batch, &BatchSizeDialog::batchChosen, this,
                            [this](int size, int accumulation) {
                                spec_->setValue(QStringLiteral("training.batch_size"), size);
                                spec_->setValue(QStringLiteral("training.grad_accumulation"),
                                                accumulation);
                                appendLog(tr("batch size set to %1 with %2 accumulation "
                                             "step(s) (batch-find)")
                                              .arg(size)
                                              .arg(accumulation));
                            });
                    dialog = batch;
                } else if (record.kind == preflightKind(PreflightTool::Threads)) {
                    auto* threads = new ThreadTuningDialog(record, this);
                    connect(threads, &ThreadTuningDialog::threadsChosen, this,
                            [this](int total, int workers) {
                                spec_->setValue(QStringLiteral("training.threads"), total);
                                spec_->setValue(QStringLiteral("dataset.loader.workers"), workers);
                                appendLog(tr("threads set to %1, %2 of them loader workers "
                                             "(tune-threads)")
                                              .arg(total)
                                              .arg(workers));
                            });
                    dialog = threads;
                } else if (record.kind == preflightKind(PreflightTool::Estimate)) {
                    auto* estimate = new EstimateDialog(record, this);
                    connect(estimate, &EstimateDialog::startRequested, startSpecAction_,
                            &QAction::trigger);
                    dialog = estimate;
                }
                if (!dialog)
                    return;
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->open();
            });
}

bool MainWindow::runPreflight(PreflightTool tool) {
    const QString what = tool == PreflightTool::LrFind      ? tr("Cannot test learning rates")
                         : tool == PreflightTool::BatchSize ? tr("Cannot look for a batch size")
                         : tool == PreflightTool::Threads   ? tr("Cannot tune threads")
                                                            : tr("Cannot estimate");
    const QStringList problems = spec_->problems();
    if (!problems.isEmpty()) {
        showError(what, problems.join(QLatin1Char('\n')));
        return false;
    }
    if (spec_->isSweep() && tool != PreflightTool::Estimate) {
        showError(what, tr("This experiment is a sweep: run the tool on one run of it (remove "
                           "the sweep's parameters on the Sweep page), then sweep around what "
                           "it finds."));
        return false;
    }
    const QString source = spec_->filePath().isEmpty() ? tr("the edited spec") : spec_->filePath();
    qint64 job = 0;
    QString title;
    try {
        std::unique_ptr<PreflightJob> preflight;
        if (spec_->isSweep()) { // estimated on its base spec, then scaled to its trials
            const SweepDefinition sweep = sweepDefinitionFromJson(spec_->json(), source);
            if (sweep.sweep.external())
                throw InputError(tr("this sweep runs an external command: there is no model "
                                    "to probe"));
            preflight = std::make_unique<PreflightJob>(
                tool, specFromJson(sweep.base, source), sweep.sweep.trials, sweep.sweep.parallel,
                sweep.sweep.earlyStop.type != QLatin1String("none"));
        } else {
            preflight = std::make_unique<PreflightJob>(tool, specFromJson(spec_->json(), source));
        }
        title = preflight->info().title;
        job = backend()->submit(std::move(preflight));
    } catch (const std::exception& e) {
        showError(what, firstLineOf(e));
        return false;
    }
    preflightJobs_.insert(job);
    appendLog(tr("queued %1 (%2)").arg(title, source));
    refreshJobs();
    return true;
}

void MainWindow::onPreflightFinished(const JobInfo& job) {
    if (!preflightJobs_.remove(job.id))
        return;
    if (job.status == RunStatus::Completed && job.resultId > 0) {
        wantedPreflights_.insert(job.resultId);
        history_->loadPreflight(job.resultId);
    }
}

} // namespace trainlab
