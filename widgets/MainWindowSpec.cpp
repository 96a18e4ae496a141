// The main window's spec editing: new / open / save / recent specs, the edited experiment's
// Run button, "run again with changes", and the settings kept between sessions.
#include "DatasetPage.h"
#include "MainWindow.h"
#include "RunsBrowser.h"
#include "SpecDocument.h"
#include "SpecJsonPage.h"
#include "TrainingPage.h"
#include "WorkspaceSafeFileDialog.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "jobs/RunJob.h"
#include "jobs/SweepDefinition.h"
#include "jobs/SweepJob.h"
#include "spec/SpecJson.h"
#include "store/RunRecords.h"
#include "store/WorkspaceReader.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonDocument>
#include <QMenu>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

namespace trainlab {

namespace {

constexpr int kRecentSpecs = 8;
const QString kRecentSpecsKey = QStringLiteral("recentSpecs");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kDraftKey = QStringLiteral("draft/json");
const QString kDraftPathKey = QStringLiteral("draft/path");

} // namespace

void MainWindow::buildSpecActions() {
    newSpecAction_ = new QAction(tr("&New experiment"), this);
    newSpecAction_->setShortcut(QKeySequence::New);
    connect(newSpecAction_, &QAction::triggered, this, [this] { spec_->reset(); });
    openSpecAction_ = new QAction(tr("&Open spec…"), this);
    openSpecAction_->setObjectName(QStringLiteral("openSpecAction"));
    openSpecAction_->setShortcut(QKeySequence::Open);
    connect(openSpecAction_, &QAction::triggered, this, [this] {
        const QString start = spec_->filePath().isEmpty()
                                  ? QFileInfo(findQuickstartSpec()).absolutePath()
                                  : QFileInfo(spec_->filePath()).absolutePath();
        QFileDialog* dialog = createWorkspaceSafeFileDialog(this, tr("Open an experiment spec"),
                                                            start, tr("Experiment specs (*.json)"));
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, this,
                [this](const QString& path) { openSpecDocument(path); });
        dialog->open();
    });
    saveSpecAction_ = new QAction(tr("&Save spec"), this);
    saveSpecAction_->setShortcut(QKeySequence::Save);
    connect(saveSpecAction_, &QAction::triggered, this, [this] { saveSpecDocument(); });
    saveSpecAsAction_ = new QAction(tr("Save spec &as…"), this);
    saveSpecAsAction_->setShortcut(QKeySequence::SaveAs);
    connect(saveSpecAsAction_, &QAction::triggered, this, [this] { chooseSpecSavePath(); });
    startSpecAction_ =
        new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run experiment"), this);
    startSpecAction_->setObjectName(QStringLiteral("startSpecAction"));
    startSpecAction_->setShortcut(Qt::Key_F5);
    startSpecAction_->setToolTip(tr("Run the experiment on the editing pages (a sweep when the "
                                    "Sweep page has parameters)"));
    connect(startSpecAction_, &QAction::triggered, this, [this] { startSpecDocument(); });
    editRunAction_ = new QAction(tr("Run again with changes"), this);
    editRunAction_->setObjectName(QStringLiteral("editRunAction"));
    editRunAction_->setToolTip(tr("Open the selected run's spec on the editing pages"));
    connect(editRunAction_, &QAction::triggered, this, &MainWindow::editSelectedRun);
    moreTrialsAction_ = new QAction(tr("More trials…"), this);
    moreTrialsAction_->setObjectName(QStringLiteral("moreTrialsAction"));
    moreTrialsAction_->setToolTip(tr("Give the selected trial's sweep more trials; its strategy "
                                     "learns from every trial it has"));
    connect(moreTrialsAction_, &QAction::triggered, this, &MainWindow::askMoreTrials);
    recentSpecsMenu_ = new QMenu(tr("Recent specs"), this);
    recentSpecsMenu_->setObjectName(QStringLiteral("recentSpecsMenu"));
    connect(recentSpecsMenu_, &QMenu::aboutToShow, this, &MainWindow::fillRecentSpecsMenu);
    connect(spec_, &SpecDocument::fileStateChanged, this, &MainWindow::updateTitle);
}

void MainWindow::restoreSession() {
    // The last session's window and unsaved experiment come back as they were.
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    const QJsonDocument draft =
        QJsonDocument::fromJson(settings.value(kDraftKey).toString().toUtf8());
    if (draft.isObject())
        spec_->restoreDraft(draft.object(), settings.value(kDraftPathKey).toString());
    updateTitle();
}

void MainWindow::connectDatasetPage() {
    // The Dataset page edits the experiment's dataset block; the document fills the page.
    connect(datasetPage_, &DatasetPage::formChanged, this, [this] {
        ExperimentSpec holder;
        holder.dataset = datasetPage_->datasetSpec();
        spec_->setValue(QStringLiteral("dataset"),
                        specToJson(holder).value(QStringLiteral("dataset")), datasetPage_);
    });
    auto fill = [this](QObject* source) {
        if (source == datasetPage_)
            return;
        try {
            QJsonObject json = spec_->json();
            json.remove(QStringLiteral("sweep"));
            datasetPage_->setDatasetSpec(specFromJson(json).dataset);
        } catch (const std::exception&) {
            // An invalid spec leaves the form as it was; the Spec page lists the problems.
        }
    };
    connect(spec_, &SpecDocument::changed, this, fill);
    fill(nullptr);
    // The page's load counts the experiment's training samples: the Training page plans with it.
    connect(datasetPage_, &DatasetPage::loaded, this, [this] {
        const qint64 train = datasetPage_->preview()
                                 .info[QStringLiteral("counts")][QStringLiteral("train")]
                                 .toInteger();
        if (train > 0)
            trainingPage_->setTrainSampleCount(train, tr("Counted by the Dataset page."));
    });
}

bool MainWindow::startSpecDocument() {
    const QStringList problems = spec_->problems();
    if (!problems.isEmpty()) {
        showError(tr("Cannot run this experiment"), problems.join(QLatin1Char('\n')));
        return false;
    }
    const QString source = spec_->filePath().isEmpty() ? tr("the edited spec") : spec_->filePath();
    try {
        std::unique_ptr<Job> job;
        if (spec_->isSweep())
            job = std::make_unique<SweepJob>(sweepDefinitionFromJson(spec_->json(), source));
        else
            job = std::make_unique<RunJob>(RunRequest{specFromJson(spec_->json(), source), {}, 0});
        backend()->submit(std::move(job));
    } catch (const std::exception& e) {
        showError(tr("Cannot run this experiment"), firstLineOf(e));
        return false;
    }
    appendLog(tr("queued %1").arg(source));
    refreshJobs();
    return true;
}

bool MainWindow::openSpecDocument(const QString& path) {
    try {
        spec_->open(path);
    } catch (const std::exception& e) {
        showError(tr("Cannot open this spec"), firstLineOf(e));
        return false;
    }
    rememberSpec(path);
    return true;
}

bool MainWindow::saveSpecDocument(const QString& path) {
    QString target = path.isEmpty() ? spec_->filePath() : path;
    if (target.isEmpty()) {
        chooseSpecSavePath(); // saves once a file is chosen
        return false;
    }
    try {
        spec_->save(target);
    } catch (const std::exception& e) {
        showError(tr("Cannot save the spec"), firstLineOf(e));
        return false;
    }
    rememberSpec(target);
    return true;
}

void MainWindow::editSelectedRun() {
    const RunRecord* run = runsBrowser_->currentRun();
    if (!run)
        return;
    const QJsonDocument stored = QJsonDocument::fromJson(run->spec.toUtf8());
    if (!stored.isObject()) {
        showError(tr("Run %1").arg(run->id), tr("the run's stored spec is not valid JSON"));
        return;
    }
    QJsonObject json = stored.object();
    json.insert(QStringLiteral("name"), QString(run->name + QStringLiteral("-again")));
    spec_->setJson(json);
    tabs_->setCurrentWidget(specJsonPage_);
    appendLog(tr("run %1's spec is on the editing pages").arg(run->id));
}

QInputDialog* MainWindow::askMoreTrials() {
    const qint64 sweepId = runsBrowser_->currentSweepId();
    if (sweepId <= 0)
        return nullptr;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("moreTrialsDialog"));
    dialog->setWindowTitle(tr("More trials"));
    dialog->setLabelText(tr("Trials to add to sweep %1:").arg(sweepId));
    dialog->setInputMode(QInputDialog::IntInput);
    dialog->setIntRange(1, 1000);
    dialog->setIntValue(4);
    connect(dialog, &QInputDialog::intValueSelected, this,
            [this, sweepId](int count) { extendSweep(sweepId, count); });
    dialog->open();
    return dialog;
}

bool MainWindow::extendSweep(qint64 sweepId, int count) {
    for (const JobInfo& job : backend()->jobs()) {
        if (job.kind == JobKind::Sweep && job.sweepId == sweepId && !isFinalStatus(job.status)) {
            showError(tr("Sweep %1").arg(sweepId),
                      tr("the sweep is still going in this window; stop it first"));
            return false;
        }
    }
    try {
        WorkspaceReader workspace(databasePath_);
        backend()->submit(std::make_unique<SweepJob>(
            extendedSweepDefinition(workspace, sweepId, count), sweepId));
    } catch (const std::exception& e) {
        showError(tr("Cannot extend sweep %1").arg(sweepId), firstLineOf(e));
        return false;
    }
    appendLog(tr("sweep %1: %n more trial(s)", nullptr, count).arg(sweepId));
    refreshJobs();
    return true;
}

QFileDialog* MainWindow::chooseSpecSavePath() {
    const QString start = spec_->filePath().isEmpty()
                              ? QFileInfo(findQuickstartSpec()).absolutePath()
                              : QFileInfo(spec_->filePath()).absolutePath();
    QFileDialog* dialog = createWorkspaceSafeFileDialog(this, tr("Save the experiment spec"), start,
                                                        tr("Experiment specs (*.json)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString& chosen) { saveSpecDocument(chosen); });
    dialog->open();
    return dialog;
}

QStringList MainWindow::recentSpecs() const {
    return QSettings().value(kRecentSpecsKey).toStringList();
}

void MainWindow::rememberSpec(const QString& path) {
    QStringList recent = recentSpecs();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kRecentSpecs)
        recent.removeLast();
    QSettings().setValue(kRecentSpecsKey, recent);
}

void MainWindow::fillRecentSpecsMenu() {
    recentSpecsMenu_->clear();
    const QStringList recent = recentSpecs();
    for (const QString& path : recent) {
        QAction* open = recentSpecsMenu_->addAction(QFileInfo(path).fileName(), this,
                                                    [this, path] { openSpecDocument(path); });
        open->setToolTip(path);
    }
    if (recent.isEmpty())
        recentSpecsMenu_->addAction(tr("(none yet)"))->setEnabled(false);
}

void MainWindow::updateTitle() {
    // Qt adds the application's display name itself; [*] shows the unsaved mark.
    const QString specName = spec_->filePath().isEmpty() ? tr("untitled experiment")
                                                         : QFileInfo(spec_->filePath()).fileName();
    setWindowTitle(QStringLiteral("%1 — %2[*]").arg(QFileInfo(databasePath_).fileName(), specName));
    setWindowModified(spec_->isModified());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    // An unsaved experiment is kept for the next session rather than asked about.
    if (spec_->isModified())
        settings.setValue(
            kDraftKey,
            QString::fromUtf8(QJsonDocument(spec_->json()).toJson(QJsonDocument::Compact)));
    else
        settings.remove(kDraftKey);
    settings.setValue(kDraftPathKey, spec_->filePath());
    QMainWindow::closeEvent(event);
}

} // namespace trainlab
