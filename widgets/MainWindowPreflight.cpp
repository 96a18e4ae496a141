// The main window's pre-flight tools: Run > Find learning rate… queues the learning-rate range
// test of the experiment on the pages, and once it is stored shows its curve, whose suggested
// rate one click puts in the Training page.
#include "LrFindDialog.h"
#include "MainWindow.h"
#include "SpecDocument.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "jobs/LrFindJob.h"
#include "spec/SpecJson.h"
#include "store/HistoryReader.h"

#include <QAction>

namespace trainlab {

void MainWindow::buildPreflightActions() {
    lrFindAction_ = new QAction(tr("Find &learning rate…"), this);
    lrFindAction_->setObjectName(QStringLiteral("lrFindAction"));
    lrFindAction_->setToolTip(tr("Train briefly at a growing learning rate and suggest the rate "
                                 "where the loss falls fastest (a learning-rate range test)"));
    connect(lrFindAction_, &QAction::triggered, this, [this] { findLearningRate(); });
    connect(history_->reader(), &HistoryReader::preflightLoaded, this,
            [this](const PreflightRecord& record) {
                if (record.id != wantedPreflight_)
                    return;
                wantedPreflight_ = 0;
                auto* dialog = new LrFindDialog(record, this);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                connect(dialog, &LrFindDialog::rateChosen, this, [this](double lr) {
                    spec_->setValue(QStringLiteral("training.optimizer.lr"), lr);
                    appendLog(tr("learning rate set to %1 (lr-find)").arg(lr, 0, 'g', 3));
                });
                dialog->open();
            });
}

bool MainWindow::findLearningRate() {
    const QStringList problems = spec_->problems();
    if (!problems.isEmpty()) {
        showError(tr("Cannot test learning rates"), problems.join(QLatin1Char('\n')));
        return false;
    }
    if (spec_->isSweep()) {
        showError(tr("Cannot test learning rates"),
                  tr("This experiment is a sweep: find a rate for one run of it (remove the "
                     "sweep's parameters on the Sweep page), then sweep around it."));
        return false;
    }
    const QString source = spec_->filePath().isEmpty() ? tr("the edited spec") : spec_->filePath();
    try {
        lrFindJob_ =
            backend()->submit(std::make_unique<LrFindJob>(specFromJson(spec_->json(), source)));
    } catch (const std::exception& e) {
        showError(tr("Cannot test learning rates"), firstLineOf(e));
        return false;
    }
    appendLog(tr("queued lr-find of %1").arg(source));
    refreshJobs();
    return true;
}

void MainWindow::onPreflightFinished(const JobInfo& job) {
    if (job.id != lrFindJob_)
        return;
    lrFindJob_ = 0;
    if (job.status == RunStatus::Completed && job.resultId > 0) {
        wantedPreflight_ = job.resultId;
        history_->loadPreflight(job.resultId);
    }
}

} // namespace trainlab
